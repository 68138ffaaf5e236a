/**
 * startProfiling() in-process: every enabled type lands at the destinations with the series
 * labels, cumulative types as deltas, one profiler at a time, settings restored at shutdown,
 * bad options rejected with coded errors, and the pull endpoint started or reported.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProfiling, ProfilingAlreadyStartedError, InvalidArgumentError, Mutex, newProfile, setMutexProfileFraction, startCPUProfile, stopCPUProfile } from '../../src';
import { decode } from '../../src/pprof';
import { blockProfileRate, cpuSamplerState, heapSamplerState } from '../../src/sampler';
import { servePprof } from '../../src/http';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { goPprofOn } from '../support/go-pprof';
import { startPyroscopeCollector } from '../support/pyroscope-collector';
import { profileFiles } from '../register/support';

function busy(ms: number): number {
  let x = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

test('every enabled type reaches the file exporter with exact windows and series labels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-start-'));
  const custom = newProfile('otelprof.test/start-profiling');
  custom.add('held');
  const before = setMutexProfileFraction(-1);
  const profiler = startProfiling({
    serviceName: 'start-test', labels: { team: 'profiling' }, exporters: ['file'], fileExportDir: dir, uploadIntervalMillis: 60_000,
    profileTypes: ['cpu', 'wall', 'heap', 'goroutine', 'block', 'mutex', 'otelprof.test/start-profiling'], goroutineStacks: false,
  });
  try {
    expect(profiler.config.serviceName).toBe('start-test');
    expect(setMutexProfileFraction(-1)).toBe(1); // the config's default while profiling
    const m = new Mutex();
    busy(50);
    await Promise.all([m.lock().then(async () => { await new Promise((r) => setTimeout(r, 20)); m.unlock(); }), m.lock().then(() => m.unlock())]);
    await profiler.forceFlush();
    busy(50);
    await profiler.forceFlush();
    expect(profiler.stats.periods).toBe(2);
    // Live counters, the sampler's included; a spread copies the current values.
    expect({ ...profiler.stats }).toEqual({ periods: 2, profiles: 14, collectErrors: 0, exportFailures: 0, cpuDrainFailures: 0, cpuStuckRestarts: 0 });
    for (const type of ['cpu', 'wall', 'heap', 'goroutine', 'block', 'mutex', 'otelprof_test_start-profiling']) {
      expect([type, profileFiles(dir, type).length]).toEqual([type, 2]);
    }
    // Contiguous windows: the second cpu window starts where the first ended.
    const [w1, w2] = profileFiles(dir, 'cpu').map((f) => decode(readFileSync(f)));
    expect(w2.timeNanos).toBeGreaterThanOrEqual(w1.timeNanos + BigInt(w1.durationNanos) - 1_000_000n);
    // Mutex is a delta: the contention of period 1 is not sent again in period 2.
    const [m1, m2] = profileFiles(dir, 'mutex').map((f) => decode(readFileSync(f)));
    expect(m1.samples.length).toBeGreaterThan(0);
    expect(m2.samples.reduce((n, s) => n + s.values[0], 0)).toBe(0);
    const top = await goPprofOn(readFileSync(profileFiles(dir, 'cpu')[1]), ['-top']);
    expect(top).toContain('busy');
  } finally {
    await profiler.shutdown();
    custom.remove('held');
  }
  expect(setMutexProfileFraction(-1)).toBe(before);
});

test('a second startProfiling throws a coded error until the first is shut down', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-start-'));
  const opts = { exporters: ['file' as const], fileExportDir: dir, profileTypes: ['heap'] };
  const first = startProfiling(opts);
  let caught: unknown;
  try {
    startProfiling(opts);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProfilingAlreadyStartedError);
  expect(caught).toMatchObject({ code: 'PPROF_ERR_PROFILING_ALREADY_STARTED', message: expect.stringContaining('by startProfiling()') });
  const stop = first.shutdown();
  expect(first.shutdown()).toBe(stop);
  await stop;
  // shutdown sent the last window.
  expect(profileFiles(dir, 'heap')).toHaveLength(1);
  const second = startProfiling(opts);
  await second.shutdown();
  expect(profileFiles(dir, 'heap')).toHaveLength(2);
});

test('shutdown puts the block rate back', async () => {
  const before = blockProfileRate();
  const p = startProfiling({ exporters: [], profileTypes: ['block'], blockProfileRateNanos: 20_000_000 });
  expect(blockProfileRate()).toBe(20_000_000);
  await p.shutdown();
  expect(blockProfileRate()).toBe(before);
});

test('enabled: false starts nothing', async () => {
  const p = startProfiling({ enabled: false });
  const q = startProfiling({ enabled: false }); // no "already started": nothing runs
  await p.forceFlush();
  expect(p.stats.periods).toBe(0);
  expect(await p.pullEndpoint).toEqual({ state: 'disabled' });
  await Promise.all([p.shutdown(), q.shutdown()]);
});

test.each([
  [{ uploadIntervalMillis: -1 }, 'uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: -1)'],
  [{ exporters: ['kafka'] }, 'exporters must be an array of'],
  [{ uploadIntervalMs: 5 }, 'unknown option "uploadIntervalMs"'],
  [{ pprofPort: 70000 }, 'pprofPort must be an integer from 0 to 65535 (actual: 70000)'],
])('bad option %j throws PPROF_ERR_INVALID_ARG and starts nothing', (options, message) => {
  expect(() => startProfiling(options as never)).toThrow(InvalidArgumentError);
  expect(() => startProfiling(options as never)).toThrow(message);
  // Nothing was left running: a valid start works.
  return startProfiling({ exporters: [], profileTypes: ['heap'] }).shutdown();
});

test('uploads to Pyroscope with service_name, resource and static labels', async () => {
  const collector = await startPyroscopeCollector();
  try {
    const p = startProfiling({
      serverAddress: collector.url, serviceName: 'pyro-start', labels: { region: 'eu' }, resourceAttributes: { 'service.version': '1.2.3' },
      profileTypes: ['cpu', 'heap'], uploadIntervalMillis: 60_000,
    });
    // Long enough for CPU samples on a loaded machine: 30 ms at 100 Hz is about 3, CI once stored no
    // process_cpu series with it (Node 26), and Pyroscope stores nothing for a profile without samples.
    busy(300);
    await p.shutdown();
    const series = collector.series.filter((s) => s.labels.service_name === 'pyro-start');
    expect(series.map((s) => s.labels.__name__).sort()).toEqual(['memory', 'process_cpu']);
    for (const s of series) expect(s.labels).toMatchObject({ region: 'eu', service_version: '1.2.3', process_runtime_name: 'nodejs' });
  } finally {
    await collector.stop();
  }
});

test('the pull endpoint listens on the configured port, or reports the port taken and profiling goes on', async () => {
  const p = startProfiling({ exporters: [], profileTypes: ['heap'], pprofPort: 0 });
  const status = await p.pullEndpoint;
  expect(status.state).toBe('listening');
  const url = status.state === 'listening' ? status.url : '';
  const res = await fetch(`${url}goroutine?debug=1`);
  expect(res.status).toBe(200);
  await p.shutdown();
  await expect(fetch(url)).rejects.toThrow();

  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;
  const q = startProfiling({ exporters: [], profileTypes: ['heap'], pprofPort: port });
  const failed = await q.pullEndpoint;
  expect(failed).toMatchObject({ state: 'failed', port, error: { code: 'EADDRINUSE' } });
  await q.forceFlush();
  expect(q.stats.profiles).toBe(1);
  await q.shutdown();
  blocker.close();
});

test('shutdown does not wait for a CPU profile in flight on the pull endpoint: it ends it (SIGTERM grace periods are ~30 s)', async () => {
  const p = startProfiling({ exporters: [], profileTypes: ['heap'], pprofPort: 0 });
  const status = await p.pullEndpoint;
  const url = status.state === 'listening' ? status.url : '';
  const inFlight = new Promise<string>((resolve) => {
    get(`${url}profile?seconds=300`, (res) => {
      res.resume();
      res.on('end', () => resolve('ended'));
      res.on('error', () => resolve('cut'));
    }).on('error', () => resolve('cut'));
  });
  // The profile has started once V8's CPU profiler is taken.
  while (cpuSamplerState().windows === 0) await new Promise((r) => setImmediate(r));
  await p.shutdown();
  expect(await inFlight).toBe('cut');
  // The request's CPU profile was stopped with it.
  while (cpuSamplerState().windows > 0) await new Promise((r) => setImmediate(r));
  const sink = new PassThrough();
  startCPUProfile(sink);
  stopCPUProfile();
});

test('allocs asked of continuous profiling while the heap sampler already runs in heap mode (a pull endpoint started it) is warned about', async () => {
  const endpoint = await servePprof({ port: 0 });
  expect(heapSamplerState()?.mode).toBe('heap');
  const warnings: string[] = [];
  const logger: DiagLogger = { error: () => {}, warn: (...args: unknown[]) => warnings.push(args.join(' ')), info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  try {
    const p = startProfiling({ exporters: [], profileTypes: ['allocs'] });
    await p.shutdown();
  } finally {
    diag.disable();
    await endpoint.close();
  }
  expect(warnings.filter((w) => w.includes('allocs: the heap sampler already runs in heap mode'))).toHaveLength(1);
});
