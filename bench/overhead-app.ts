/**
 * Child process of bench/overhead.js: runs one workload under one profiling variant and prints one
 * JSON line of measurements. Not part of the library.
 *
 *   node -r ./bench/overhead-otel-register.js bench/overhead-app.ts <workload> <variant> <sinkPort> <arg>
 * workload: `cpu` (arg = work units) or `http` (arg = path of a fifo-free handshake: prints the port, then waits)
 * variant:  `baseline` | `otelprof` (CPU 100 Hz + heap) | `otelprof-labels` (+ user labels on samples)
 *           | `pyroscope` (@pyroscope/nodejs: wall 100 Hz with CPU time + heap)
 */
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { labels, runWithLabels } from '../src';
import { enableLabelSampleContexts } from '../src/profiles';
import { encode, gzip } from '../src/pprof';
import { buildCpuProfile, buildHeapProfile, openCpuWindow, startHeapSampler, takeHeapSnapshot } from '../src/sampler';

const [workload, variant, sinkPortArg, arg] = process.argv.slice(2);
const sinkPort = Number(sinkPortArg);
const FLUSH_MILLIS = Number(process.env.FLUSH_MILLIS ?? 3000);
const collectStalls: number[] = [];
/** Longest time of each step over all collections: rotate+heap read, build cpu, build heap, encode. */
const stepMax = [0, 0, 0, 0];

function post(body: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: sinkPort, method: 'POST', path: '/ingest', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => resolve());
    req.end(body);
  });
}

/** otelprof's collection as the scheduler will do it: rotate, build, encode, upload. */
function startOtelprof(withLabels: boolean): () => Promise<void> {
  if (withLabels) enableLabelSampleContexts();
  const w = openCpuWindow({ hz: 100 });
  startHeapSampler();
  const collect = async (): Promise<void> => {
    // Each step runs without yielding (gzip aside, which is on the threadpool): the longest
    // step is the longest event-loop stall a collection causes.
    const steps: number[] = [];
    let t = performance.now();
    const raw = w.rotate();
    const snap = takeHeapSnapshot();
    steps.push(performance.now() - t);
    t = performance.now();
    const cpu = await buildCpuProfile(raw, 'cpu');
    steps.push(performance.now() - t);
    t = performance.now();
    const heap = await buildHeapProfile(snap, 'heap');
    steps.push(performance.now() - t);
    // encode() is synchronous; gzip() runs on the libuv threadpool.
    t = performance.now();
    const cpuRaw = encode(cpu);
    const heapRaw = encode(heap);
    steps.push(performance.now() - t);
    const cpuBytes = await gzip(cpuRaw);
    const heapBytes = await gzip(heapRaw);
    await post(cpuBytes);
    await post(heapBytes);
    const stall = Math.max(...steps);
    stepMax.forEach((v, i) => { stepMax[i] = Math.max(v, steps[i]); });
    collectStalls.push(stall);
  };
  const timer = setInterval(() => void collect(), FLUSH_MILLIS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    w.close();
  };
}

async function startPyroscope(): Promise<() => Promise<void>> {
  // Time the peer's synchronous collection calls (V8 stop/restart + serialization, heap read) the
  // same way otelprof's steps are timed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ddPprof = require(require.resolve('@datadog/pprof', { paths: [require.resolve('@pyroscope/nodejs')] }));
  for (const [obj, name] of [[ddPprof.time, 'stop'], [ddPprof.heap, 'profile']] as const) {
    const orig = obj[name];
    obj[name] = function timed(this: unknown, ...a: unknown[]) {
      const t = performance.now();
      try {
        return orig.apply(this, a);
      } finally {
        collectStalls.push(performance.now() - t);
      }
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Pyroscope = require('@pyroscope/nodejs');
  Pyroscope.init({
    appName: 'bench', serverAddress: `http://127.0.0.1:${sinkPort}`, flushIntervalMs: FLUSH_MILLIS,
    wall: { samplingIntervalMicros: 10_000, collectCpuTime: true }, heap: { samplingIntervalBytes: 512 * 1024 },
  });
  Pyroscope.start();
  return async () => {
    await Pyroscope.stop();
  };
}

// The fixed unit of work: a mix of arithmetic, JSON and short-lived objects.
function unitOfWork(i: number): number {
  let x = 0;
  for (let k = 0; k < 2000; k++) x += Math.sqrt(k + i) * Math.sin(k);
  const o = { id: i, items: Array.from({ length: 20 }, (_, k) => ({ k, v: `v${k}` })) };
  return x + JSON.parse(JSON.stringify(o)).items.length;
}

async function runCpu(units: number): Promise<Record<string, number>> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let acc = 0;
  for (let i = 0; i < units; i++) {
    acc += await runWithLabels(labels('unit', String(i % 8)), () => unitOfWork(i));
    if (i % 50 === 0) await new Promise<void>((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage(c0);
  return { cpuMicrosPerUnit: (cpu.user + cpu.system) / units, wallMillis: performance.now() - t0, checksum: acc > 0 ? 1 : 0 };
}

function runHttp(): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    let served = 0;
    let c0 = process.cpuUsage();
    const server = http.createServer((req, res) => {
      if (req.url === '/start') {
        c0 = process.cpuUsage();
        served = 0;
        res.end('ok');
        return;
      }
      if (req.url === '/stop') {
        const cpu = process.cpuUsage(c0);
        res.end('ok');
        server.close();
        resolve({ cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, served), requests: served });
        return;
      }
      runWithLabels(labels('route', '/work'), async () => {
        const v = unitOfWork(served);
        await new Promise<void>((r) => setImmediate(r));
        served++;
        res.end(String(v));
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as { port: number };
      process.stdout.write(`PORT ${addr.port}\n`);
    });
  });
}

async function main(): Promise<void> {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  let stop: () => Promise<void> = async () => undefined;
  if (variant === 'otelprof' || variant === 'otelprof-labels') stop = startOtelprof(variant === 'otelprof-labels');
  else if (variant === 'pyroscope') stop = await startPyroscope();
  eld.enable();
  const result = workload === 'cpu' ? await runCpu(Number(arg)) : await runHttp();
  eld.disable();
  await stop();
  process.stdout.write(`${JSON.stringify({
    ...result,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    maxLoopDelayMillis: eld.max / 1e6,
    collections: collectStalls.length,
    maxCollectStallMillis: collectStalls.length ? Math.max(...collectStalls) : 0,
    // The first collection also loads source maps and warms up the encoder.
    maxCollectStallAfterFirstMillis: collectStalls.length > 1 ? Math.max(...collectStalls.slice(1)) : 0,
    stepMaxMillis: stepMax,
  })}\n`);
  process.exit(0);
}

void main();
