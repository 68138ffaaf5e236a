import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile as PprofFormatProfile } from 'pprof-format';
import { FileExporter, PROFILE_FILE_PATTERN } from '../../exporters/file';
import { ExportResultCode } from '../../exporters/types';
import { InvalidArgumentError } from '../../src/errors';
import { runGoPprof } from '../support/go-pprof';
import { batchOf } from './pyroscope-fixtures';
import { testMeter } from './pyroscope-metrics-helper';

const START = 1_763_793_000_123_456_789n; // 2025-11-22T06:30:00.123Z
const dir = (): string => mkdtempSync(join(tmpdir(), 'otelprof-file-'));

describe('FileExporter', () => {
  it('writes <service>.<type>.<start-time>.pb.gz that go tool pprof reads', async () => {
    const d = dir();
    const exporter = new FileExporter({ directory: d });
    const batch = batchOf(['cpu', 'heap', 'goroutine'], { startNanos: START });
    expect(await exporter.export(batch)).toEqual({ code: ExportResultCode.SUCCESS });
    const names = readdirSync(d).sort();
    expect(names).toEqual([
      'checkout.cpu.20251122T063000.123Z.pb.gz',
      'checkout.goroutine.20251122T063000.123Z.pb.gz',
      'checkout.heap.20251122T063000.123Z.pb.gz',
    ]);
    const top = await runGoPprof(['-top', '-sample_index=cpu', join(d, names[0])]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('handleRequest');
    expect(top.stdout).toContain('renderPage');
    const raw = await runGoPprof(['-raw', join(d, names[2])]);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/inuse_space\/bytes/);
    // Independent decoder: the same samples and span labels.
    const p = PprofFormatProfile.decode(gunzipSync(readFileSync(join(d, names[0]))));
    expect(p.sample).toHaveLength(3);
    expect(p.stringTable.strings).toContain('span_id');
    await exporter.shutdown();
  });

  it('bounds the directory by file count, deleting the oldest', async () => {
    const d = dir();
    writeFileSync(join(d, 'unrelated.txt'), 'keep me');
    const exporter = new FileExporter({ directory: d, maxFiles: 3 });
    for (let i = 0; i < 5; i++) {
      expect((await exporter.export(batchOf(['cpu'], { startNanos: START + BigInt(i) * 10_000_000_000n }))).code).toBe(ExportResultCode.SUCCESS);
    }
    const names = readdirSync(d).sort();
    expect(names).toEqual([
      'checkout.cpu.20251122T063020.123Z.pb.gz',
      'checkout.cpu.20251122T063030.123Z.pb.gz',
      'checkout.cpu.20251122T063040.123Z.pb.gz',
      'unrelated.txt',
    ]);
  });

  it('bounds the directory by bytes', async () => {
    const d = dir();
    const probeDir = dir();
    await new FileExporter({ directory: probeDir }).export(batchOf(['wall'], { startNanos: START }));
    const size = statSync(join(probeDir, readdirSync(probeDir)[0])).size;
    const exporter = new FileExporter({ directory: d, maxBytes: size * 2 + 1 });
    for (let i = 0; i < 4; i++) await exporter.export(batchOf(['wall'], { startNanos: START + BigInt(i) * 1_000_000_000n }));
    const files = readdirSync(d).filter((n) => PROFILE_FILE_PATTERN.test(n));
    expect(files).toHaveLength(2);
    expect(files.reduce((n, f) => n + statSync(join(d, f)).size, 0)).toBeLessThanOrEqual(size * 2 + 1);
  });

  it('reports write failures as results and metrics, never rejects', async () => {
    // A regular file where the directory should be: fails for root too.
    const notADir = join(dir(), 'file');
    writeFileSync(notADir, 'x');
    const meter = testMeter();
    const exporter = new FileExporter({ directory: join(notADir, 'sub'), meterProvider: meter.provider });
    const r = await exporter.export(batchOf(['cpu', 'wall']));
    expect(r).toMatchObject({ code: ExportResultCode.FAILED, reason: 'io' });
    expect(await meter.sum('otelprof.exporter.dropped', { exporter: 'file', reason: 'io' })).toBe(2);
    await exporter.shutdown();
    expect(await exporter.export(batchOf(['cpu']))).toMatchObject({ code: ExportResultCode.FAILED, reason: 'shutdown' });
  });

  it('sanitises service and type names into safe file names', async () => {
    const d = dir();
    const exporter = new FileExporter({ directory: d });
    const batch = batchOf(['cpu'], { startNanos: START, labels: { service_name: '../etc/passwd' } });
    batch.profiles[0].type = 'my.pkg/open files';
    await exporter.export(batch);
    expect(readdirSync(d)).toEqual(['__etc_passwd.my_pkg_open_files.20251122T063000.123Z.pb.gz']);
  });

  it.each([
    [{}, 'directory must be a non-empty string'],
    [{ directory: '' }, 'directory must be a non-empty string (actual: "")'],
    [{ directory: '/tmp/x', maxFiles: 0 }, 'maxFiles must be a positive integer (actual: 0)'],
    [{ directory: '/tmp/x', maxBytes: 1.5 }, 'maxBytes must be a positive integer (actual: 1.5)'],
    [{ directory: '/tmp/x', maxfiles: 3 }, 'FileExporter: unknown option "maxfiles"'],
  ])('rejects bad options %j', (opts, message) => {
    let err: unknown;
    try {
      new FileExporter(opts as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).code).toBe('PPROF_ERR_INVALID_ARG');
    expect((err as Error).message).toContain(message);
  });
});
