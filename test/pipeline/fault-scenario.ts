/**
 * One pipeline fault scenario: a profiled child service under HTTP load uploads every 500 ms to
 * the loopback collector; after a healthy start the collector misbehaves (or goes down) for
 * FAULT_PERIODS periods, then recovers. Collects what the tests assert on.
 */
import type { Fault, PyroscopeCollector } from '../support/pyroscope-collector';
import { startPyroscopeCollector } from '../support/pyroscope-collector';
import { Load, ProfiledApp, type AppReport } from './harness';

export const PERIOD_MS = 500;
export const FAULT_PERIODS = 8;
export const MAX_QUEUE_ITEMS = 3;
const TYPES = ['cpu', 'wall', 'heap', 'goroutine', 'block', 'mutex'];

/** `down` stops the collector; the others answer every request with the fault. */
export type ScenarioFault = Fault | { kind: 'down' };

export interface ScenarioResult {
  collector: PyroscopeCollector;
  /** Reports taken once per period during the fault. */
  during: AppReport[];
  /** Last report, after shutdown. */
  final: AppReport;
  /** Report right before the fault. */
  before: AppReport;
  /** Load counters at fault start, at recovery and at the end. */
  load: { atFault: { ok: number; failed: number }; atRecovery: { ok: number; failed: number }; end: { ok: number; failed: number } };
  /** Collector requests index at fault start and at recovery. */
  requestsAtFault: number;
  requestsAtRecovery: number;
  /** Epoch ns of fault start and recovery (collector clock = this process). */
  faultStartNanos: bigint;
  recoveryNanos: bigint;
}

const nowNanos = (): bigint => BigInt(Date.now()) * 1_000_000n;
const ok = (c: PyroscopeCollector, from: number): number => c.requests.slice(from).filter((r) => r.status === 200).length;

/** Waits for `n` periods of the app (its own `stats.periods` counter), sampling a report per period. */
async function periods(app: ProfiledApp, n: number, out: AppReport[]): Promise<void> {
  const start = (await app.stats()).stats.periods;
  for (;;) {
    const r = await app.stats();
    if (out.length === 0 || r.stats.periods > out[out.length - 1].stats.periods) out.push(r);
    if (r.stats.periods >= start + n) return;
    await new Promise((res) => setTimeout(res, PERIOD_MS / 2));
  }
}

export async function runScenario(fault: ScenarioFault): Promise<ScenarioResult> {
  const collector = await startPyroscopeCollector();
  const app = await ProfiledApp.start('push', {
    serviceName: 'pipeline-faults',
    serverAddress: collector.url,
    uploadIntervalMillis: PERIOD_MS,
    profileTypes: TYPES,
    exportTimeoutMillis: 300,
    maxQueueItems: MAX_QUEUE_ITEMS,
    maxAttempts: 3,
    shutdownTimeoutMillis: 1500,
  });
  const load = new Load(app.port, 3);
  try {
    await collector.waitFor(() => ok(collector, 0) >= 2);
    const before = await app.stats();
    const atFault = load.count();
    const requestsAtFault = collector.requests.length;
    const faultStartNanos = nowNanos();
    if (fault.kind === 'down') await collector.stop();
    else collector.setFault(fault);
    const during: AppReport[] = [];
    await periods(app, FAULT_PERIODS, during);
    const recoveryNanos = nowNanos();
    const requestsAtRecovery = collector.requests.length;
    const atRecovery = load.count();
    if (fault.kind === 'down') await collector.start();
    else collector.setFault(undefined);
    // Delivery resumes: two accepted uploads of windows that ended after the recovery.
    await collector.waitFor(() => new Set(collector.series.filter((s) => s.timeNanos >= recoveryNanos).map((s) => s.timeNanos)).size >= 2);
    await load.stop();
    const end = load.count();
    const final = await app.stop();
    await collector.stop();
    return { collector, during, final, before, load: { atFault, atRecovery, end }, requestsAtFault, requestsAtRecovery, faultStartNanos, recoveryNanos };
  } finally {
    await load.stop();
    app.kill();
    await collector.stop();
  }
}

/** Distinct upload windows (series timeNanos) stored from the fault interval. */
export function windowsFrom(r: ScenarioResult, from: bigint, to: bigint): number {
  return new Set(r.collector.series.filter((s) => s.timeNanos >= from && s.timeNanos < to).map((s) => s.timeNanos)).size;
}

/** Sum of the dropped counter over every reason. */
export function droppedTotal(rep: AppReport): number {
  return Object.values(rep.metrics.dropped).reduce((a, b) => a + b, 0);
}

/** The checks every fault scenario must pass; `expect` is jest's. */
export function expectResilient(r: ScenarioResult): void {
  // The app kept serving during the fault, and no request failed.
  expect(r.load.atRecovery.ok - r.load.atFault.ok).toBeGreaterThanOrEqual(FAULT_PERIODS);
  expect(r.load.end.failed).toBe(0);
  // Nothing escaped into the host.
  expect(r.final.unhandled).toBe(0);
  expect(r.final.uncaught).toBe(0);
  // The profiler kept collecting through the fault.
  expect(r.final.stats.collectErrors).toBe(0);
  expect(r.final.stats.periods).toBeGreaterThanOrEqual(r.before.stats.periods + FAULT_PERIODS);
  // Every produced profile is accounted for: delivered or dropped (counted), none lost silently.
  expect(r.final.metrics.exported + droppedTotal(r.final)).toBe(r.final.stats.profiles);
  // Memory stays bounded: at most MAX_QUEUE_ITEMS (+1 in flight) windows of the fault survive,
  // and RSS does not climb with the periods (last fault-half peak vs first-half peak).
  expect(windowsFrom(r, r.faultStartNanos, r.recoveryNanos)).toBeLessThanOrEqual(MAX_QUEUE_ITEMS + 1);
  const half = Math.floor(r.during.length / 2);
  const peak = (xs: AppReport[]): number => Math.max(...xs.map((x) => x.rss));
  expect(peak(r.during.slice(half))).toBeLessThan(peak(r.during.slice(0, half)) + 32 * 1024 * 1024);
  // No series stored twice (a request that got a 2xx is never sent again).
  const keys = r.collector.series.map((s) => JSON.stringify([s.labels, String(s.timeNanos)]));
  expect(new Set(keys).size).toBe(keys.length);
  // Delivery resumed after recovery, with 200s only.
  expect(r.collector.requests.slice(r.requestsAtRecovery).filter((q) => q.status === 200).length).toBeGreaterThanOrEqual(2);
}
