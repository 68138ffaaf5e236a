/**
 * `otelprof top <file>` on every kind of profile file a user meets: ours (gzipped and raw), the
 * same profile re-written by Go's own encoder (`go tool pprof -proto`), and Go's legacy debug=1
 * text as otelprof writes it (count, heap and contention shapes), where the names come from the
 * text's comment lines. Totals are checked against what Go's pprof makes of the same input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { decode, encode, ProfileBuilder, writeContentionText, writeCountText, writeHeapText, type StackFrame } from '../../src/pprof';
import { startCPUProfile, stopCPUProfile } from '../../src/profiles';
import { namedBurner } from '../sampler/helpers';
import { runGoPprof } from '../support/go-pprof';
import { ensureBuilt, goTopRows, otelprof, topRows, topTotal } from './support';

let dir: string;
let cpuFile: string;

/** `go tool pprof -proto <input>`: the profile as Go's encoder writes it. */
async function goProto(input: string): Promise<string> {
  const out = `${input}.go.pb.gz`;
  const res = await runGoPprof(['-proto', '-output', out, input]);
  if (res.code !== 0) throw new Error(`go tool pprof -proto ${input} failed (${res.code}): ${res.stderr}`);
  return out;
}

async function top(args: string[]): Promise<string> {
  const res = await otelprof(['top', ...args], { cwd: dir });
  if (res.code !== 0) throw new Error(`otelprof top ${args.join(' ')} exited ${res.code}: ${res.stderr}`);
  return res.stdout;
}

const frame = (functionName: string, line: number): StackFrame => ({ functionName, fileName: '/app/shop.js', line, column: 3 });

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'otelprof-cli-top-'));
  // A real CPU profile of this process: about 1.5 s, nearly all of it in cliTopBurner.
  const cliTopBurner = namedBurner('cliTopBurner');
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  startCPUProfile(sink);
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    cliTopBurner(20);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await stopCPUProfile(); // resolves once the profile was written (the stream stays open, as in Go)
  await new Promise((resolve) => setImmediate(resolve));
  cpuFile = join(dir, 'cpu.pb.gz');
  writeFileSync(cpuFile, Buffer.concat(chunks));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a CPU profile written by otelprof', () => {
  test('lists the hottest function first, with the profile\'s types, time and duration', async () => {
    const out = await top([cpuFile]);
    expect(out).toMatch(/^Source: .*cpu\.pb\.gz$/m);
    expect(out).toMatch(/^Sample types: samples\/count, cpu\/nanoseconds {2}Time: \d{4}-\d\d-\d\dT\S+Z {2}Duration: \d+\.\d\ds$/m);
    expect(topTotal(out).by).toBe('cpu/nanoseconds');
    expect(topRows(out)[0].name).toBe('cliTopBurner');
  });

  test('reads the same profile as raw (not gzipped) protobuf', async () => {
    const raw = join(dir, 'cpu.pb');
    writeFileSync(raw, encode(decode(readFileSync(cpuFile))));
    const [gz, plain] = [await top([cpuFile]), await top([raw])];
    expect(topRows(plain)).toEqual(topRows(gz));
    expect(topTotal(plain)).toEqual(topTotal(gz));
  });

  test('--nodecount limits the rows; --sample-type picks the value ranked', async () => {
    expect(topRows(await top(['--nodecount', '2', cpuFile]))).toHaveLength(2);
    const bySamples = await top(['--sample-type=samples', cpuFile]);
    expect(topTotal(bySamples).by).toBe('samples/count');
    expect(topRows(bySamples)[0].name).toBe('cliTopBurner');
  });

  test('the same profile re-encoded by Go (go tool pprof -proto) gives the same top and total', async () => {
    const goFile = await goProto(cpuFile);
    const [ours, go] = [await top([cpuFile]), await top([goFile])];
    expect(topRows(go)[0].name).toBe('cliTopBurner');
    expect(topTotal(go)).toEqual(topTotal(ours));
  });
});

describe('row order', () => {
  test('functions with equal flat values are listed in the order go tool pprof -top lists them', async () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }] });
    // Callers with no flat value of their own (a common sight): their cum values differ and
    // their names sort the other way round.
    b.addSample([frame('chargeCard', 10), frame('zipInvoice', 20), frame('main', 1)], [5, 50_000_000]);
    b.addSample([frame('sendMail', 11), frame('applyCoupon', 21), frame('main', 1)], [5, 50_000_000]);
    b.addSample([frame('logLine', 12), frame('applyCoupon', 22), frame('main', 1)], [1, 10_000_000]);
    const file = join(dir, 'ties.pb');
    writeFileSync(file, encode(b.build()));
    const go = await runGoPprof(['-top', '-nodefraction=0', file]);
    expect(go.code).toBe(0);
    expect(topRows(await top([file])).map((r) => r.name)).toEqual(goTopRows(go.stdout));
  });
});

describe('a difference of two profiles (go tool pprof -proto -base), with negative values', () => {
  /** Name, flat% and cum% of each row of a top table (Go's has a sum% column too). */
  const percents = (stdout: string, header: RegExp, goSum: boolean): Array<[string, number, number]> => {
    const lines = stdout.split('\n');
    return lines.slice(lines.findIndex((l) => header.test(l)) + 1).filter((l) => l.trim() !== '').map((l) => {
      const parts = l.trim().split(/\s+/);
      const [flatPct, cumPct] = goSum ? [parts[1], parts[4]] : [parts[1], parts[3]];
      return [parts.slice(goSum ? 5 : 4).join(' '), parseFloat(flatPct), parseFloat(cumPct)];
    });
  };

  test('percentages are of the total of absolute values, as go tool pprof -top shows them', async () => {
    const heap = (cache: number, catalog: number): string => {
      const b = new ProfileBuilder({ sampleTypes: [{ type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' }] });
      b.addSample([frame('cacheImage', 10), frame('main', 1)], [cache, cache * 1024]);
      b.addSample([frame('buildCatalog', 11), frame('main', 1)], [catalog, catalog * 1024]);
      const file = join(dir, `heap-${cache}-${catalog}.pb`);
      writeFileSync(file, encode(b.build()));
      return file;
    };
    const diff = join(dir, 'heap-diff.pb.gz');
    const made = await runGoPprof(['-proto', '-output', diff, '-base', heap(100, 50), heap(400, 20)]);
    expect(made.code).toBe(0);
    const go = await runGoPprof(['-top', '-nodefraction=0', diff]);
    expect(go.code).toBe(0);
    const ours = percents(await top([diff]), /^\s*flat\s+flat%\s+cum\s+cum%/, false);
    expect(ours.map(([name]) => name)).toEqual(['cacheImage', 'buildCatalog', 'main']);
    expect(ours).toEqual(percents(go.stdout, /^\s*flat\s+flat%\s+sum%/, true));
  });
});

describe("Go's legacy debug=1 text, as otelprof writes it", () => {
  test('count profile: names from the comment lines; Go reads the same total', async () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'carts', unit: 'count' }] });
    b.addSample([frame('openCart', 10), frame('handleCheckout', 40)], [7]);
    b.addSample([frame('restoreCart', 20), frame('handleCheckout', 41)], [3]);
    const file = join(dir, 'carts.txt');
    writeFileSync(file, writeCountText(b.build(), 'carts'));
    const out = await top([file]);
    expect(out).toMatch(/^Sample types: carts\/count$/m);
    expect(topTotal(out)).toEqual({ by: 'carts/count', total: '10' });
    const rows = topRows(out);
    expect(rows[0]).toEqual({ flat: '7', cum: '7', name: 'openCart' });
    expect(rows.find((r) => r.name === 'handleCheckout')).toEqual({ flat: '0', cum: '10', name: 'handleCheckout' });
    // Go's pprof has no binary to symbolize the text's addresses: same total, addresses for names.
    const go = await top([await goProto(file)]);
    expect(topTotal(go).total).toBe('10');
    expect(topRows(go)[0]).toMatchObject({ flat: '7', name: expect.stringMatching(/^0x[0-9a-f]+$/) });
  });

  test('heap profile: scaled by the sampling rate exactly as Go scales it', async () => {
    const b = new ProfileBuilder({
      sampleTypes: [{ type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' },
        { type: 'alloc_objects', unit: 'count' }, { type: 'alloc_space', unit: 'bytes' }],
    });
    b.addSample([frame('buildCatalog', 60), frame('main', 1)], [40, 40 * 65536, 90, 90 * 65536]);
    b.addSample([frame('cacheImage', 70), frame('main', 2)], [5, 5 * 32768, 8, 8 * 32768]);
    const file = join(dir, 'heap.txt');
    writeFileSync(file, writeHeapText(b.build(), { rate: 524288 }));
    const goFile = await goProto(file);
    for (const type of ['inuse_space', 'alloc_space', 'inuse_objects']) {
      const [ours, go] = [await top(['--sample-type', type, file]), await top(['--sample-type', type, goFile])];
      expect(topRows(ours)[0].name).toBe('buildCatalog');
      expect(topTotal(ours)).toEqual(topTotal(go));
    }
    // Default: in-use bytes, as pprof shows a heap profile.
    expect(topTotal(await top([file])).by).toBe('inuse_space/bytes');
  });

  test('block and mutex profiles: delay in nanoseconds, times the mutex sampling period', async () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }] });
    b.addSample([frame('renderInvoice', 80), frame('main', 3)], [3, 45_000_000]);
    b.addSample([frame('parseOrder', 90), frame('main', 4)], [1, 12_000_000]);
    const p = b.build();
    const block = join(dir, 'block.txt');
    writeFileSync(block, writeContentionText(p, 'contention'));
    const blockTop = await top([block]);
    expect(topTotal(blockTop)).toEqual({ by: 'delay/nanoseconds', total: '57.00ms' });
    expect(topRows(blockTop)[0]).toMatchObject({ flat: '45.00ms', name: 'renderInvoice' });
    expect(topTotal(await top([await goProto(block)]))).toEqual(topTotal(blockTop));
    const mutex = join(dir, 'mutex.txt');
    writeFileSync(mutex, writeContentionText(p, 'mutex', { samplingPeriod: 5 }));
    const mutexTop = await top([mutex]);
    expect(topTotal(mutexTop)).toEqual({ by: 'delay/nanoseconds', total: '285.00ms' });
    expect(topTotal(await top([await goProto(mutex)]))).toEqual(topTotal(mutexTop));
    expect(topTotal(await top(['--sample-type', 'contentions', mutex]))).toEqual({ by: 'contentions/count', total: '20' });
  });
});
