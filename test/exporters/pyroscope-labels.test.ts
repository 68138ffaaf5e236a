import { encodeGzip, ProfileBuilder, type Label } from '../../src/pprof';
import { push } from '../../proto/generated/pyroscope-push';
import { ExportResultCode, type ProfileBatch } from '../../exporters/types';
import { PyroscopeExporter } from '../../exporters/pyroscope';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { batchOf, SPAN_A } from './pyroscope-fixtures';

const many = (n: number, prefix: string): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

/** Sends series labels as-is (no otelprof label handling) to prove the collector enforces the rule. */
async function rawPush(url: string, labels: Record<string, string>): Promise<{ status: number; body: string }> {
  const b = batchOf(['cpu']);
  const raw = await encodeGzip(b.profiles[0].profile);
  const body = push.v1.PushRequest.encode({
    series: [{ labels: Object.entries({ __name__: 'process_cpu', ...labels }).map(([name, value]) => ({ name, value })), samples: [{ rawProfile: raw, ID: '' }] }],
  }).finish();
  const res = await fetch(`${url}/push.v1.PusherService/Push`, { method: 'POST', headers: { 'content-type': 'application/proto' }, body });
  return { status: res.status, body: await res.text() };
}

describe('PyroscopeExporter label rules', () => {
  let collector: PyroscopeCollector;
  let exporter: PyroscopeExporter | undefined;
  afterEach(async () => { await exporter?.shutdown(); await collector.stop(); });

  interface Case {
    name: string;
    labels: Record<string, string>;
    /** What the collector says when the labels are sent unfixed (undefined: it accepts them). */
    rawError?: RegExp;
    check(stored: Record<string, string>): void;
  }
  const cases: Case[] = [
    {
      name: 'more than 30 labels: the extra ones are dropped',
      labels: { service_name: 'svc', ...many(40, 'k') },
      rawError: /has 42 label names; limit 30/,
      check: (l) => { expect(Object.keys(l)).toHaveLength(30); expect(l.k0).toBe('v0'); expect(l.k39).toBeUndefined(); },
    },
    {
      name: 'a label name longer than 1024 bytes is dropped',
      labels: { service_name: 'svc', ['n'.repeat(2000)]: 'x', ok: 'y' },
      rawError: /has label name too long/,
      check: (l) => { expect(l.ok).toBe('y'); expect(Object.keys(l).some((k) => k.length > 1024)).toBe(false); },
    },
    {
      name: 'a value longer than 2048 bytes is truncated without splitting a character',
      labels: { service_name: 'svc', big: 'é'.repeat(3000) },
      rawError: /has label value too long/,
      check: (l) => { expect(Buffer.byteLength(l.big)).toBe(2048); expect(l.big).toBe('é'.repeat(1024)); },
    },
    {
      name: 'reserved __ names are dropped and cannot override __name__',
      labels: { service_name: 'svc', __name__: 'evil', __foo: 'x', keep: 'y' },
      check: (l) => { expect(l.__name__).toBe('process_cpu'); expect(l.__foo).toBeUndefined(); expect(l.keep).toBe('y'); },
    },
    {
      name: 'an empty service_name becomes unknown_service; empty label names are dropped',
      labels: { service_name: '', '': 'x' },
      rawError: /service name is not provided/,
      check: (l) => { expect(l.service_name).toBe('unknown_service'); expect(l['']).toBeUndefined(); },
    },
    {
      name: 'lone surrogates are replaced (valid UTF-8 on the wire)',
      labels: { service_name: 'svc', odd: 'a\uD800b' },
      check: (l) => { expect(l.odd).toBe('a\uFFFDb'); },
    },
  ];

  it.each(cases)('$name', async (c) => {
    collector = await startPyroscopeCollector();
    if (c.rawError) {
      const raw = await rawPush(collector.url, c.labels);
      expect(raw.status).toBe(400);
      expect(JSON.parse(raw.body)).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(c.rawError) });
      collector.series.length = 0;
    }
    exporter = new PyroscopeExporter({ endpoint: collector.url });
    const batch = batchOf(['cpu']);
    batch.seriesLabels = c.labels;
    expect(await exporter.export(batch)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(collector.series).toHaveLength(1);
    c.check(collector.series[0].labels);
  });

  it('legacy label names: sanitised for a pre-2.0 Pyroscope that would reject them', async () => {
    collector = await startPyroscopeCollector({ limits: { legacyLabelNames: true } });
    const labels = { service_name: 'svc', 'k8s-pod': 'p1', 'service.version': '1', '1st': 'x' };
    const raw = await rawPush(collector.url, labels);
    expect(raw.status).toBe(400);
    expect(raw.body).toContain("invalid label name '1st'");
    exporter = new PyroscopeExporter({ endpoint: collector.url, legacyLabelNames: true });
    const batch = batchOf(['cpu'], { labels });
    delete batch.seriesLabels['service.version'];
    batch.seriesLabels['service.version'] = '1';
    expect((await exporter.export(batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.series[0].labels).toMatchObject({ k8s_pod: 'p1', service_version: '1', _1st: 'x', env: 'prod' });
  });

  it('sample labels: promoted ones fit the series budget, bad span ids are dropped, per-sample count capped', async () => {
    collector = await startPyroscopeCollector();
    exporter = new PyroscopeExporter({ endpoint: collector.url });
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }], periodType: { type: 'cpu', unit: 'nanoseconds' }, period: 1e7, timeNanos: BigInt(Date.now()) * 1_000_000n, durationNanos: 1e9 });
    const f = { functionName: 'f', fileName: 'a.js', line: 1, column: 1 };
    for (let i = 0; i < 40; i++) b.addSample([f], [1, 10], [{ key: `dyn${String(i).padStart(2, '0')}`, str: 'v' }]);
    const numeric: Label[] = Array.from({ length: 110 }, (_, i) => ({ key: `n${i}`, num: i }));
    b.addSample([f], [2, 20], [{ key: 'span_id', str: 'not-hex' }, { key: 'trace_id', str: 'short' }, { key: '__session_id__', str: 'x' }]);
    b.addSample([{ ...f, functionName: 'g' }], [3, 30], [...numeric, { key: 'span_id', str: SPAN_A }]);
    const batch: ProfileBatch = { startNanos: 0n, endNanos: 1n, profiles: [{ type: 'cpu', profile: b.build() }], seriesLabels: { service_name: 'svc', ...many(20, 'r') } };
    expect((await exporter.export(batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.warnings).toEqual([]);
    for (const s of collector.series) expect(Object.keys(s.labels).length).toBeLessThanOrEqual(30);
    // 3 fixed + 20 resource labels leave 7 promoted keys: dyn00..dyn06 survive.
    const promoted = new Set(collector.series.flatMap((s) => Object.keys(s.labels).filter((k) => k.startsWith('dyn'))));
    expect([...promoted].sort()).toEqual(['dyn00', 'dyn01', 'dyn02', 'dyn03', 'dyn04', 'dyn05', 'dyn06']);
    expect(collector.valuesBySpan(0).get(SPAN_A)).toBe(3);
    expect(collector.series.some((s) => s.samples.some((x) => x.labels.has('__session_id__')))).toBe(false);
  });

  it('custom profile types: "-" in sample type names is rewritten, __name__ keeps the profile name', async () => {
    collector = await startPyroscopeCollector();
    exporter = new PyroscopeExporter({ endpoint: collector.url });
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'open-files', unit: 'count' }], periodType: { type: 'open-files', unit: 'count' }, period: 1 });
    b.addSample([{ functionName: 'open', fileName: 'fs.js', line: 3, column: 1 }], [4]);
    const batch: ProfileBatch = { startNanos: 0n, endNanos: 1n, profiles: [{ type: 'my.pkg/open-files', profile: b.build() }], seriesLabels: { service_name: 'svc' } };
    expect((await exporter.export(batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.series[0].labels.__name__).toBe('my.pkg/open-files');
    expect(collector.series[0].profileTypeIds).toEqual(['my.pkg/open-files:open_files:count:open-files:count']);
  });
});
