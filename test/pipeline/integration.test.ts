/**
 * Issue 6 acceptance, integration: a profiled node:http service (child process on `dist/`,
 * NodeSDK + withProfiling) exports cpu, wall, heap, goroutine, block and mutex every 500 ms to the
 * loopback Pyroscope collector, through the Push route (`startProfiling`) and the `/ingest` route.
 */
import { startPyroscopeCollector, type PyroscopeCollector, type RecordedSeries } from '../support/pyroscope-collector';
import { Load, ProfiledApp, type AppReport } from './harness';

const TYPES = ['cpu', 'wall', 'heap', 'goroutine', 'block', 'mutex'];
/** Pyroscope's documented `__name__` and profile type IDs (Grafana's profile type selector). */
const EXPECTED_PUSH: Record<string, string[]> = {
  process_cpu: ['process_cpu:samples:count:cpu:nanoseconds', 'process_cpu:cpu:nanoseconds:cpu:nanoseconds'],
  wall: ['wall:samples:count:wall:nanoseconds', 'wall:wall:nanoseconds:wall:nanoseconds'],
  memory: ['memory:inuse_objects:count:space:bytes', 'memory:inuse_space:bytes:space:bytes'],
  goroutines: ['goroutines:goroutine:count:goroutine:count'],
  block: ['block:contentions:count:contentions:count', 'block:delay:nanoseconds:contentions:count'],
  mutex: ['mutex:contentions:count:contentions:count', 'mutex:delay:nanoseconds:contentions:count'],
};
const PERIODS = 3;

interface RouteRun {
  collector: PyroscopeCollector;
  report: AppReport;
}

async function runRoute(route: 'push' | 'ingest'): Promise<RouteRun> {
  const collector = await startPyroscopeCollector();
  const app = await ProfiledApp.start(route, {
    serviceName: `pipeline-${route}`,
    serverAddress: collector.url,
    uploadIntervalMillis: 500,
    profileTypes: TYPES,
    labels: { route },
  });
  const load = new Load(app.port, 4);
  try {
    // Each of the 6 types present in PERIODS distinct upload windows.
    await collector.waitFor(() => {
      const perName = new Map<string, Set<bigint>>();
      for (const s of collector.series) {
        const set = perName.get(s.labels.__name__) ?? new Set();
        set.add(s.timeNanos);
        perName.set(s.labels.__name__, set);
      }
      const names = route === 'push' ? Object.keys(EXPECTED_PUSH) : ['process_cpu', 'wall', 'memory', 'goroutines'];
      return names.every((n) => (perName.get(n)?.size ?? 0) >= PERIODS) && [...perName.values()].length >= (route === 'push' ? 6 : 5);
    });
  } finally {
    await load.stop();
  }
  const report = await app.stop();
  await collector.stop();
  return { collector, report };
}

function byName(series: RecordedSeries[]): Map<string, RecordedSeries[]> {
  const out = new Map<string, RecordedSeries[]>();
  for (const s of series) out.set(s.labels.__name__, [...(out.get(s.labels.__name__) ?? []), s]);
  return out;
}

function total(series: RecordedSeries[], index: number): number {
  return series.reduce((n, s) => n + s.samples.reduce((m, x) => m + x.values[index], 0), 0);
}

describe('pipeline: Push route via startProfiling', () => {
  let run: RouteRun;
  beforeAll(async () => {
    run = await runRoute('push');
  }, 60_000);

  it('every request was accepted (200) and nothing failed in the app', () => {
    const statuses = new Set(run.collector.requests.map((r) => r.status));
    expect([...statuses]).toEqual([200]);
    expect(run.collector.requests.every((r) => r.route === '/push.v1.PusherService/Push')).toBe(true);
    expect(run.report.unhandled).toBe(0);
    expect(run.report.uncaught).toBe(0);
    expect(run.report.stats.collectErrors).toBe(0);
    expect(run.report.stats.exportFailures).toBe(0);
    expect(run.report.metrics.dropped).toEqual({});
    expect(run.report.metrics.exported).toBeGreaterThanOrEqual(PERIODS * TYPES.length);
  });

  it('records the documented __name__ and profile type IDs, service_name and static labels', () => {
    const names = byName(run.collector.series);
    expect([...names.keys()].sort()).toEqual(Object.keys(EXPECTED_PUSH).sort());
    for (const [name, ids] of Object.entries(EXPECTED_PUSH)) {
      for (const s of names.get(name) ?? []) {
        expect(s.profileTypeIds).toEqual(ids);
        expect(s.labels.service_name).toBe('pipeline-push');
        expect(s.labels.route).toBe('push');
      }
    }
  });

  it('every type has data: cpu/wall/heap/goroutine samples, block and mutex contentions', () => {
    const names = byName(run.collector.series);
    expect(total(names.get('process_cpu') ?? [], 1)).toBeGreaterThan(0);
    expect(total(names.get('wall') ?? [], 1)).toBeGreaterThan(0);
    expect(total(names.get('memory') ?? [], 1)).toBeGreaterThan(0);
    expect(total(names.get('goroutines') ?? [], 0)).toBeGreaterThan(0);
    // The app stalls 30 ms every 8th request (block rate 10 ms) and contends on a Mutex.
    expect(total(names.get('block') ?? [], 0)).toBeGreaterThan(0);
    expect(total(names.get('block') ?? [], 1)).toBeGreaterThanOrEqual(20e6);
    expect(total(names.get('mutex') ?? [], 0)).toBeGreaterThan(0);
    const cpuFunctions = new Set((names.get('process_cpu') ?? []).flatMap((s) => s.strings));
    expect(cpuFunctions.has('pipelineBurn')).toBe(true);
    expect(new Set((names.get('block') ?? []).flatMap((s) => s.strings)).has('stallEventLoop')).toBe(true);
  });

  it('CPU samples carry span ids of the server spans the app recorded', () => {
    expect(run.collector.warnings).toEqual([]);
    const bySpan = run.collector.valuesBySpan(1);
    const known = new Set(run.report.spans);
    const labelled = [...bySpan.keys()];
    expect(labelled.length).toBeGreaterThan(0);
    const own = labelled.filter((id) => known.has(id));
    expect(own.length / labelled.length).toBeGreaterThanOrEqual(0.9);
  });

  it('no series is stored twice', () => {
    const keys = run.collector.series.map((s) => JSON.stringify([s.labels, String(s.timeNanos)]));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('pipeline: /ingest route (Scheduler + collectors + PyroscopeExporter route ingest)', () => {
  let run: RouteRun;
  beforeAll(async () => {
    run = await runRoute('ingest');
  }, 60_000);

  it('one accepted /ingest upload per type per period, nothing failed', () => {
    expect([...new Set(run.collector.requests.map((r) => r.status))]).toEqual([200]);
    expect(run.collector.requests.every((r) => r.route === '/ingest')).toBe(true);
    expect(run.report.unhandled).toBe(0);
    expect(run.report.stats.exportFailures).toBe(0);
    const perWindow = new Map<string, number>();
    for (const s of run.collector.series) perWindow.set(String(s.timeNanos), 0);
    expect(run.collector.requests.length).toBeGreaterThanOrEqual(PERIODS * TYPES.length);
  });

  it('series carry service_name, pyroscope_spy and __name__ derived from the sample types', () => {
    const names = byName(run.collector.series);
    for (const n of ['process_cpu', 'wall', 'memory', 'goroutines']) expect(names.has(n)).toBe(true);
    for (const s of run.collector.series) {
      expect(s.labels.service_name).toBe('pipeline-ingest');
      expect(s.labels.pyroscope_spy).toBe('nodespy');
      expect(s.labels.route).toBe('ingest');
    }
    expect(total(names.get('process_cpu') ?? [], 1)).toBeGreaterThan(0);
    process.stdout.write(`ingest names: ${[...names.keys()].sort().join(',')}\n`);
  });

  it('CPU samples carry span ids of the app server spans', () => {
    const known = new Set(run.report.spans);
    const labelled = [...run.collector.valuesBySpan(1).keys()];
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.filter((id) => known.has(id)).length / labelled.length).toBeGreaterThanOrEqual(0.9);
  });
});
