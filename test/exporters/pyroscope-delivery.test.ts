import { diag, DiagLogLevel } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '../../exporters/types';
import { ProfileBuilder } from '../../src/pprof';
import { PyroscopeExporter, type PyroscopeExporterOptions } from '../../exporters/pyroscope';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { batchOf, trackUnhandled } from './pyroscope-fixtures';
import { testMeter } from './pyroscope-metrics-helper';

const FAST: PyroscopeExporterOptions = { initialBackoffMillis: 20, maxBackoffMillis: 100, jitter: 0, timeoutMillis: 10_000, maxAttempts: 1000 };

/** Every stored series is unique per (period, name): nothing was sent twice after a success. */
function expectNoDuplicates(c: PyroscopeCollector): void {
  const keys = c.series.map((s) => `${s.timeNanos}|${s.labels.__name__}|${s.profileTypeIds.join()}|${JSON.stringify(s.labels)}`);
  expect(new Set(keys).size).toBe(keys.length);
}

const BASE_MILLIS = BigInt(Date.now()) - 600_000n;
const periodStart = (i: number): bigint => (BASE_MILLIS + BigInt(i) * 10_000n) * 1_000_000n;

describe.each(['push', 'ingest'] as const)('PyroscopeExporter reliable delivery (%s route)', (route) => {
  let collector: PyroscopeCollector;
  let exporter: PyroscopeExporter;
  let unhandled: ReturnType<typeof trackUnhandled>;
  let meter: ReturnType<typeof testMeter>;
  const logs: string[] = [];
  beforeAll(() => {
    diag.setLogger({
      error: (...m) => void logs.push(`error ${m.join(' ')}`), warn: (...m) => void logs.push(`warn ${m.join(' ')}`),
      info: () => undefined, debug: () => undefined, verbose: () => undefined,
    }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  });
  afterAll(() => diag.disable());
  beforeEach(async () => {
    logs.length = 0;
    unhandled = trackUnhandled();
    meter = testMeter();
    collector = await startPyroscopeCollector();
  });
  afterEach(async () => {
    await exporter.shutdown();
    await collector.stop();
    unhandled.stop();
    expect(unhandled.errors).toEqual([]);
    expectNoDuplicates(collector);
  });
  const make = (o: PyroscopeExporterOptions = {}): PyroscopeExporter =>
    (exporter = new PyroscopeExporter({ endpoint: collector.url, meterProvider: meter.provider, route, ...FAST, ...o }));

  it('retries 500 answers and delivers once the collector recovers', async () => {
    make();
    collector.failNext({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    expect(await exporter.export(batchOf(['heap']))).toEqual({ code: ExportResultCode.SUCCESS });
    expect(collector.requests.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(collector.series).toHaveLength(1);
    expect(await meter.sum('otelprof.exporter.retried')).toBe(2);
    expect(await meter.sum('otelprof.exporter.exported', { exporter: 'pyroscope' })).toBe(1);
    expect(await meter.count('otelprof.exporter.duration')).toBe(3);
    expect(await meter.sum('otelprof.exporter.bytes')).toBeGreaterThan(0);
    // Logged once per kind of failure, with the server's status.
    expect(logs.filter((l) => l.includes('HTTP 500'))).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    make();
    collector.failNext({ kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    expect((await exporter.export(batchOf(['cpu']))).code).toBe(ExportResultCode.SUCCESS);
    // Backoff alone would retry after 20 ms; Retry-After: 1 holds the retry at least a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(collector.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('times out a hanging collector and retries', async () => {
    make({ timeoutMillis: 1000 });
    collector.failNext({ kind: 'hang' });
    const r = await exporter.export(batchOf(['wall']));
    expect(r.code).toBe(ExportResultCode.SUCCESS);
    expect(collector.requests.map((x) => x.fault ?? x.status)).toEqual(['hang', 200]);
    expect(collector.series).toHaveLength(1);
    expect(logs.some((l) => l.includes('timed out after 1000 ms'))).toBe(true);
  });

  it('retries reset connections', async () => {
    make();
    collector.failNext({ kind: 'reset' }, { kind: 'reset' });
    expect((await exporter.export(batchOf(['goroutine']))).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.requests.map((x) => x.fault ?? x.status)).toEqual(['reset', 'reset', 200]);
    expect(collector.series).toHaveLength(1);
  });

  it('survives a collector down for several periods: bounded queue drops the oldest, then resumes', async () => {
    make({ maxQueueItems: 3, flushTimeoutMillis: 50 });
    await collector.stop();
    const results: Array<Promise<ExportResult>> = [];
    for (let i = 0; i < 8; i++) results.push(exporter.export(batchOf(['cpu'], { startNanos: periodStart(i) })));
    // forceFlush waits for every export to be encoded and queued, then gives up after 50 ms.
    await exporter.forceFlush();
    expect(exporter.queue.items).toBeLessThanOrEqual(3);
    // The five oldest periods were pushed out while the collector was down.
    await Promise.all(results.slice(0, 5));
    await collector.start();
    const all = await Promise.all(results);
    expect(all.slice(0, 5).map((r) => r.code === ExportResultCode.FAILED && r.reason)).toEqual(Array(5).fill('dropped'));
    expect(all.slice(5).map((r) => r.code)).toEqual([0, 0, 0]);
    expect(collector.series.map((s) => s.timeNanos)).toEqual([periodStart(5), periodStart(6), periodStart(7)]);
    expect(await meter.sum('otelprof.exporter.dropped', { reason: 'queue_full' })).toBe(5);
    expect(logs.filter((l) => l.includes('export queue full'))).toHaveLength(1);
  });

  it('keeps every period through several periods of 500s and delivers them in order once it recovers', async () => {
    make({ flushTimeoutMillis: 50 });
    collector.setFault({ kind: 'status', status: 500 });
    const results = [0, 1, 2].map((i) => exporter.export(batchOf(['cpu', 'wall'], { startNanos: periodStart(i) })));
    await exporter.forceFlush();
    await collector.waitFor(() => collector.requests.length >= 6);
    collector.setFault(undefined);
    expect((await Promise.all(results)).map((r) => r.code)).toEqual([0, 0, 0]);
    const cpu = collector.series.filter((x) => x.labels.__name__ === 'process_cpu').map((x) => x.timeNanos);
    expect(cpu).toEqual([periodStart(0), periodStart(1), periodStart(2)]);
    expect(collector.series).toHaveLength(6);
  });

  it('keeps memory bounded by bytes while the collector is down', async () => {
    make({ maxQueueBytes: 8 * 1024, maxQueueItems: 1000, flushTimeoutMillis: 10 });
    await collector.stop();
    const results: Array<Promise<ExportResult>> = [];
    for (let i = 0; i < 40; i++) {
      results.push(exporter.export(batchOf(['cpu', 'wall', 'heap', 'goroutine'], { startNanos: periodStart(i) })));
      await exporter.forceFlush();
      expect(exporter.queue.bytes).toBeLessThanOrEqual(8 * 1024);
    }
    await collector.start();
    const all = await Promise.all(results);
    const ok = all.filter((r) => r.code === ExportResultCode.SUCCESS).length;
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(40);
    // Every profile is either stored once or counted as dropped.
    expect(collector.series.length).toBeGreaterThanOrEqual(ok * 4);
    expect(collector.series.length + await meter.sum('otelprof.exporter.dropped')).toBe(160);
  });

  it('drops after maxAttempts and keeps exporting later periods', async () => {
    make({ maxAttempts: 3 });
    collector.setFault({ kind: 'status', status: 502 });
    const r = await exporter.export(batchOf(['cpu'], { startNanos: periodStart(0) }));
    expect(r).toMatchObject({ code: ExportResultCode.FAILED, reason: 'dropped' });
    expect(collector.requests).toHaveLength(3);
    expect(await meter.sum('otelprof.exporter.dropped', { reason: 'retries_exhausted' })).toBe(1);
    collector.setFault(undefined);
    expect((await exporter.export(batchOf(['cpu'], { startNanos: periodStart(1) }))).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.series.map((s) => s.timeNanos)).toEqual([periodStart(1)]);
  });

  it('does not retry a 400 and logs the server message once per kind', async () => {
    make();
    const stale = BigInt(Date.now() - 2 * 3600_000) * 1_000_000n; // outside the 1 h ingestion window
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await exporter.export(batchOf(['cpu'], { startNanos: stale })));
    for (const r of results) {
      expect(r).toMatchObject({ code: ExportResultCode.FAILED, reason: 'rejected' });
      expect((r as { error: Error }).error.message).toContain('is outside of ingestion window');
    }
    const status = route === 'push' ? 400 : 422;
    expect(collector.requests.map((x) => x.status)).toEqual([status, status, status]);
    expect(logs.filter((l) => l.includes(`HTTP ${status}`))).toHaveLength(1);
    expect(await meter.sum('otelprof.exporter.dropped', { reason: 'rejected' })).toBe(3);
  });

  it('shutdown: bounded by the flush timeout, settles queued exports, is idempotent; later exports fail', async () => {
    make({ flushTimeoutMillis: 200 });
    await collector.stop();
    const pending = exporter.export(batchOf(['cpu']));
    const s1 = exporter.shutdown();
    expect(exporter.shutdown()).toBe(s1);
    await s1;
    expect(await pending).toMatchObject({ code: ExportResultCode.FAILED, reason: 'shutdown' });
    expect(await exporter.export(batchOf(['cpu']))).toMatchObject({ code: ExportResultCode.FAILED, reason: 'shutdown' });
    await collector.start();
  });

  it('shutdown aborts a request hanging past the flush timeout and settles its export', async () => {
    make({ flushTimeoutMillis: 100, timeoutMillis: 60_000 });
    collector.setFault({ kind: 'hang' });
    const pending = exporter.export(batchOf(['cpu']));
    await collector.waitFor(() => collector.requests.length === 1);
    await exporter.shutdown();
    expect(await pending).toMatchObject({ code: ExportResultCode.FAILED, reason: 'shutdown' });
    expect(await meter.sum('otelprof.exporter.dropped', { reason: 'shutdown' })).toBe(1);
    collector.setFault(undefined);
  });

  it('warns about a profile over Pyroscope\'s 2 MiB burst, which the server refuses with 429', async () => {
    make({ maxAttempts: 2 });
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'goroutine', unit: 'count' }], periodType: { type: 'goroutine', unit: 'count' }, period: 1 });
    for (let i = 0; i < 2500; i++) b.addSample([{ functionName: `f${i}_${'x'.repeat(1000)}`, fileName: 'big.js', line: 1, column: 1 }], [1]);
    const r = await exporter.export({ startNanos: periodStart(0), endNanos: periodStart(1), profiles: [{ type: 'goroutine', profile: b.build() }], seriesLabels: { service_name: 'big' } });
    expect(r).toMatchObject({ code: ExportResultCode.FAILED, reason: 'dropped' });
    expect(collector.requests.map((x) => x.status)).toEqual([429, 429]);
    expect(logs.some((l) => l.includes('MiB uncompressed'))).toBe(true);
    expect(collector.series).toHaveLength(0);
  });

  it('a profile over the 2 MiB burst goes in a request of its own: its 429 retries never store the other types again', async () => {
    make({ maxAttempts: 3 });
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'goroutine', unit: 'count' }], periodType: { type: 'goroutine', unit: 'count' }, period: 1 });
    for (let i = 0; i < 2500; i++) b.addSample([{ functionName: `f${i}_${'x'.repeat(1000)}`, fileName: 'big.js', line: 1, column: 1 }], [1]);
    const batch = batchOf(['cpu', 'heap'], { startNanos: periodStart(0) });
    batch.profiles.push({ type: 'goroutine', profile: b.build() });
    const r = await exporter.export(batch);
    // The big one is refused every time; the others are stored exactly once (afterEach checks duplicates).
    expect(r).toMatchObject({ code: ExportResultCode.FAILED, reason: 'dropped' });
    expect(collector.series.filter((s) => s.labels.__name__ === 'process_cpu')).toHaveLength(1);
    expect(collector.series.filter((s) => s.labels.__name__ === 'memory')).toHaveLength(1);
    expect(collector.series.filter((s) => s.labels.__name__ === 'goroutines')).toHaveLength(0);
  });

  it('forceFlush waits for queued periods', async () => {
    make();
    collector.failNext({ kind: 'status', status: 500 });
    const results = [exporter.export(batchOf(['cpu'], { startNanos: periodStart(0) })), exporter.export(batchOf(['cpu'], { startNanos: periodStart(1) }))];
    await exporter.forceFlush();
    expect(collector.series).toHaveLength(2);
    expect((await Promise.all(results)).map((r) => r.code)).toEqual([0, 0]);
  });
});
