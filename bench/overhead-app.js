#!/usr/bin/env node
/**
 * Child process of bench/overhead.js: runs one workload under one profiling variant and prints one
 * JSON line of measurements. Loads otelprof from dist/ (run `node scripts/build.js` first), so no
 * TypeScript compiler sits in the measured process; from the node_modules copy in OTELPROF_DIST
 * when bench/overhead.js runs it. Not part of the library.
 *
 *   node bench/overhead-app.js <workload> <variant> <sinkPort> <arg>
 * workload: `cpu` (arg = work units) or `http` (prints `PORT n`, serves until GET /stop)
 * variant:  `baseline`
 *           `otelprof`        the core sampler: CPU 100 Hz + heap, collected every FLUSH_MILLIS
 *                             (rotate, build, encode, gzip, POST), no label bridge
 *           `otelprof-labels` the same plus user labels on samples (the context bridge)
 *           `full`            startProfiling(): all default types (cpu, wall, heap), the scheduler,
 *                             the Pyroscope Push exporter, period FLUSH_MILLIS
 *           `pyroscope`       @pyroscope/nodejs: wall 100 Hz with CPU time + heap, flush FLUSH_MILLIS
 *           `labels-only`     (diagnostic) `baseline` with runWithLabels on every unit/request, no profiler
 * Diagnostics (off by default): variants `otelprof-cpu` / `otelprof-heap` (one sampler each, the
 * other profile empty); OTELPROF_PARTS=cpu|heap|none runs the `otelprof` variant with
 * only that sampler (empty profiles for the rest); TRACE_GAPS=1 prints what lines up with the
 * longest loop gaps of the first collection window (bench/gap-trace.js); OPT_MARK=1 marks each
 * collection in V8's --trace-opt output (see compileMark); STEP_LOG=1 prints each collection's step
 * times (rotation, heap read, encodes, with the tree nodes the rotation walked), the sampler's own
 * reads between collections (READ: early reads, drains; `otelprof` variants) and V8's garbage
 * collections to stderr, as they come.
 * Parameters (for bench/overhead-parts.js, which scales one cost up to measure it): a variant may
 * end in `@k=v:k=v...` with `hz` (CPU sampling rate, default 100), `heap` (heap sampling interval in
 * bytes, default 524288), `flush` (collection period in ms, 0 = no collection during the run;
 * default FLUSH_MILLIS), `warm` (`warm=2`: two real POSTs to the sink at start; `warm=0`: without the
 * transport's loopback warm-up of the seventeenth pass; in the fifth pass `warm=0` meant without its
 * `node:http` client warm-up, gone in the tenth), `early` (`early=0`: without the sampler's own early
 * read of V8's profile, eighteenth pass; `early=N`: that read N ms after sampling starts) and `upload`
 * (`upload=0`: everything but the POST, so the sink receives nothing) and `bundle` (`bundle=1`: the
 * same modules loaded from one bundled file, OTELPROF_BUNDLE; bench/bundled-copy.js) and `drain`
 * (`drain=N`: the sampler also reads V8's profile on its own N ms after each read; thirty-first
 * pass), e.g.
 * `otelprof-cpu@hz=2000:flush=0` (`:`, as the variant lists are comma-separated).
 */
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

const { gapTrace } = require('./gap-trace');
const { unitOfWork } = require('./workload');
const { rssSplitMB } = require('./proc-mem');

const [workload, variantArg, sinkPortArg, arg] = process.argv.slice(2);
// STEP_LOG: V8's collections too (start and length), to line them up with the steps.
if (process.env.STEP_LOG) {
  const { PerformanceObserver } = require('node:perf_hooks');
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) process.stderr.write(`GC ${JSON.stringify({ at: +e.startTime.toFixed(2), ms: +e.duration.toFixed(2), kind: e.detail?.kind })}\n`);
  }).observe({ entryTypes: ['gc'] });
}
const [variant, paramText = ''] = variantArg.split('@');
const params = Object.fromEntries(paramText.split(':').filter(Boolean).map((kv) => {
  const [k, v] = kv.split('=');
  if (!['hz', 'heap', 'flush', 'warm', 'early', 'upload', 'bundle', 'drain'].includes(k) || !Number.isInteger(Number(v))) throw new Error(`bad variant parameter ${kv} in ${variantArg}`);
  return [k, Number(v)];
}));
// OTELPROF_DIST: the node_modules copy bench/overhead.js makes (bench/installed-copy.js).
const DIST = process.env.OTELPROF_DIST ?? `${__dirname}/../dist`;
// bundle=1: the same modules from one bundled file (OTELPROF_BUNDLE, bench/bundled-copy.js).
if (params.bundle === 1 && !process.env.OTELPROF_BUNDLE) throw new Error('bundle=1 needs OTELPROF_BUNDLE (bench/bundled-copy.js)');
const bundle = params.bundle === 1 ? require(process.env.OTELPROF_BUNDLE) : undefined;
/** An otelprof module by its path under dist/src (`exporters/shared`: under dist/). */
const dist = (p) => (bundle !== undefined ? bundle[p] : require(p.startsWith('exporters/') ? `${DIST}/${p}` : `${DIST}/src/${p}`));
// Labels on every unit/request only where otelprof carries them: the baseline and the peer do
// not load otelprof at all, so their RSS and CPU hold nothing of it.
const LABELED = variant === 'otelprof-labels' || variant === 'full' || variant === 'labels-only';
const { labels, runWithLabels } = LABELED ? dist('index') : {};
/** Runs `fn` under the label `key=value` in the labeled variants, plainly in the others. */
const labeled = LABELED ? (key, value, fn) => runWithLabels(labels(key, value), fn) : (_key, _value, fn) => fn();
const sinkPort = Number(sinkPortArg);
// early=0: sampling starts without the sampler's early read (it then pays that cost in the first
// collection); early=N: that read N ms after sampling starts.
if (params.early !== undefined && (variant.startsWith('otelprof') || variant === 'full')) dist('sampler/cpu-sampler').setCpuEarlyReadMillis(params.early);
if (params.drain !== undefined && (variant.startsWith('otelprof') || variant === 'full')) dist('sampler/cpu-sampler').setCpuDrainMillis(params.drain);
/** Each read of V8's profile the sampler made outside a collection (its own timers), ms. */
const backgroundReads = [];
let inCollection = false;
/** Runs `fn` as a collection's own read (not counted among the sampler's). */
function asCollection(fn) {
  inCollection = true;
  try {
    return fn();
  } finally {
    inCollection = false;
  }
}
/** Nodes of V8's trees the native walk has read so far (0 for builds without the counter). */
const nodesWalked = variant.startsWith('otelprof') ? (dist('sampler/native-cpu').nativeNodesWalked ?? (() => 0)) : () => 0;
// Not in `full`: its scheduler's rotations are not marked here, so they would count as the sampler's.
if (variant.startsWith('otelprof')) {
  // Timed around the backend's read itself: the sampler's own reads are stalls of the host's loop too.
  for (const [mod, cls] of [['sampler/native-cpu', 'NativeCpuBackend'], ['sampler/inspector-cpu', 'InspectorCpuBackend']]) {
    const proto = dist(mod)[cls]?.prototype;
    if (proto === undefined) continue;
    const read = proto.collect;
    proto.collect = function timedRead(...a) {
      if (inCollection) return read.apply(this, a);
      const t = performance.now();
      const before = nodesWalked();
      try {
        return read.apply(this, a);
      } finally {
        const ms = performance.now() - t;
        backgroundReads.push(ms);
        if (process.env.STEP_LOG) process.stderr.write(`READ ${JSON.stringify({ at: +t.toFixed(2), ms: +ms.toFixed(2), nodes: nodesWalked() - before })}\n`);
      }
    };
  }
}
const FLUSH_MILLIS = params.flush ?? Number(process.env.FLUSH_MILLIS ?? 10000);
/** How long after a collection starts the loop delay is watched (collection + upload fit in it). */
const WINDOW_TAIL_MILLIS = 1000;

/** Longest synchronous step of each collection, where we can time it (otelprof steps, the peer's native calls). */
const collectStalls = [];
/** Longest time of each otelprof step over all collections: rotate + heap read, build cpu, build heap, encode. */
const stepMax = [0, 0, 0, 0];
/** Longest event-loop delay seen in each collection window (same measure for every variant). */
const windowMaxDelays = [];
let periods = 0;
let exportFailures = 0;

/**
 * On-CPU ms of each thread of this process by thread name, from schedstat: the app's own thread
 * is `main` (profiler work on it shows there), V8's profiler thread `v8:ProfEvntProc`, the
 * threadpool `libuv-worker`, V8's helpers `V8Worker`.
 */
function threadCpuByName() {
  const out = {};
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
        const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        const key = tid === String(process.pid) ? 'main' : name;
        out[key] = (out[key] ?? 0) + ns / 1e6;
      } catch {
        // The thread ended meanwhile.
      }
    }
  } catch {
    // No procfs.
  }
  return out;
}
/**
 * The result fields for the threads' CPU since the threadCpuByName() reading `before`: by name, and
 * the app's thread alone (NaN without procfs). Threads that ended meanwhile are lost: a lower bound.
 */
function threadCpuFields(before) {
  const threadCpuMillis = Object.fromEntries(Object.entries(threadCpuByName()).map(([k, v]) => [k, v - (before[k] ?? 0)]));
  return { mainThreadMillis: threadCpuMillis.main ?? NaN, threadCpuMillis };
}

/**
 * Peaks of the two parts, sampled every 250 ms in every variant alike, with the JS heap's parts
 * (reserved, used, new space) and memory outside it (external + array buffers), to tell V8 heap
 * growth from native memory.
 */
const rssPeaks = { anon: 0, file: 0, heapTotal: 0, heapUsed: 0, newSpace: 0, external: 0 };
const v8 = require('node:v8');
function sampleRssSplit() {
  const now = rssSplitMB();
  const mem = process.memoryUsage();
  const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const peak = (k, v) => { rssPeaks[k] = Math.max(rssPeaks[k], v); };
  peak('anon', now.anon);
  peak('file', now.file);
  peak('heapTotal', mem.heapTotal / 2 ** 20);
  peak('heapUsed', mem.heapUsed / 2 ** 20);
  peak('newSpace', (newSpace?.space_size ?? NaN) / 2 ** 20);
  peak('external', mem.external / 2 ** 20);
}

const openWindows = new Set();
/** Watches the loop delay from now until `done` settles plus WINDOW_TAIL_MILLIS (or the run ends). */
function watchWindow(done) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  openWindows.add(h);
  Promise.resolve(done).catch(() => undefined).then(() => {
    setTimeout(() => closeWindow(h), WINDOW_TAIL_MILLIS).unref();
  });
}

function closeWindow(h) {
  if (!openWindows.delete(h)) return;
  h.disable();
  windowMaxDelays.push(h.max / 1e6);
}

/**
 * OPT_MARK=1 (diagnostic; needs APP_NODE_ARGS='--trace-opt --allow-natives-syntax'): each call
 * has V8 optimize `otelprofCollectMark`, so its "[compiling method" line marks in V8's own trace
 * where a collection started (a line of ours on stdout could be reordered against V8's output).
 */
function compileMark() {
  if (!process.env.OPT_MARK) return () => undefined;
  const optimize = new Function('f', '%PrepareFunctionForOptimization(f); f(1); f(2); %OptimizeFunctionOnNextCall(f); f(3);');
  // A new function every time: V8 optimizes each one once.
  return () => optimize(new Function('return function otelprofCollectMark(x) { return x + 1; }')());
}

/** Stands in for the CPU window when OTELPROF_PARTS leaves it out: every rotation is empty. */
function emptyCpuWindow() {
  const { RawCpuSamples } = dist('sampler');
  const empty = () => ({ samples: new RawCpuSamples(), startNanos: 0n, endNanos: 1n, intervalNanos: 10_000_000, hasCpuTime: true, backend: 'native' });
  return { rotate: empty, close: empty };
}

/** The core sampler collected by hand: rotate, build, encode, gzip, upload (the scheduler's steps, without it). */
function startOtelprof(withLabels, onlyParts) {
  // What a user's process loads first (since the eighth pass; before, only the internals below):
  // the sampler's parts used here are the package's internals, reached through it.
  dist('index');
  const { encode, gzip } = dist('pprof');
  const { buildCpuProfile, buildHeapProfile, openCpuWindow, startHeapSampler, takeHeapSnapshot, warmUpCollections } = dist('sampler');
  const { yieldToEventLoop } = dist('pprof');
  // Uploads go through otelprof's own transport, as the exporters send them (since the fifth
  // pass; before, through a plain http.request of the bench's own; since the tenth pass it does
  // not use node:http's client; since the seventeenth it is made by exporterTransport, which warms
  // it up at start as the exporters' is; `warm=0` leaves that warm-up out).
  if (params.warm === 0) globalThis[Symbol.for('otelprof.exporters.transportWarmedUp')] = true;
  const { exporterTransport } = dist('exporters/shared');
  const transport = exporterTransport({ endpoint: new URL(`http://127.0.0.1:${sinkPort}`), timeoutMillis: 10_000, keepAliveMillis: 30_000 });
  const upload = params.upload === 0
    ? () => Promise.resolve()
    : (body) => transport.post({ path: '/ingest', headers: { 'content-type': 'application/octet-stream' }, body });
  // warm=2 (diagnostic): also two real POSTs to the sink at start, the second on the kept-alive socket.
  if (params.warm === 2) setImmediate(() => upload(Buffer.alloc(1)).then(() => upload(Buffer.alloc(1))).catch(() => undefined));
  if (withLabels) dist('profiles').enableLabelSampleContexts();
  // OTELPROF_PARTS (diagnostic): `cpu`, `heap`, both (default) or `none`; a left-out sampler is
  // replaced by an empty profile, so the collection (build, encode, gzip, upload) still runs.
  const parts = (onlyParts ?? process.env.OTELPROF_PARTS ?? 'cpu,heap').split(',');
  const w = parts.includes('cpu') ? openCpuWindow({ hz: params.hz ?? 100 }) : emptyCpuWindow();
  if (parts.includes('heap')) startHeapSampler({ intervalBytes: params.heap ?? 524288 });
  // As startProfiling() does.
  warmUpCollections();
  const { mark } = gapTrace(WINDOW_TAIL_MILLIS);
  const optMark = compileMark();
  const collect = async () => {
    optMark();
    mark('start');
    // The scheduler's steps: rotate the CPU window; read the heap one turn later; build each
    // profile (in 2 ms slices); encode; gzip on the threadpool. Rotate and heap read are timed
    // as one step (an upper bound on either stall); the builds contain awaits, so their times
    // are wall time over many turns, not stalls.
    const steps = [];
    let t = performance.now();
    const rotatedAt = t;
    const nodesBefore = nodesWalked();
    const raw = asCollection(() => w.rotate());
    const rotateMillis = performance.now() - t;
    mark('rotated');
    await yieldToEventLoop();
    mark('heap<');
    t = performance.now();
    const snap = parts.includes('heap') ? takeHeapSnapshot() : { mode: 'heap', intervalBytes: 524288, timeNanos: 0n, hasInuse: true, records: [] };
    mark('heap>');
    const heapMillis = performance.now() - t;
    steps.push(Math.max(rotateMillis, heapMillis));
    t = performance.now();
    const cpu = await buildCpuProfile(raw, 'cpu');
    mark('cpubuilt');
    steps.push(performance.now() - t);
    t = performance.now();
    const heap = await buildHeapProfile(snap, 'heap');
    mark('heapbuilt');
    steps.push(performance.now() - t);
    t = performance.now();
    mark('enc1<');
    const cpuRaw = encode(cpu);
    mark('enc1>');
    const encodeCpuMillis = performance.now() - t;
    await yieldToEventLoop(); // the exporters encode one profile per turn
    t = performance.now();
    mark('enc2<');
    const heapRaw = encode(heap);
    mark('enc2>');
    steps.push(Math.max(encodeCpuMillis, performance.now() - t));
    const g1 = await gzip(cpuRaw);
    mark('gz1');
    await upload(g1);
    mark('post1');
    const g2 = await gzip(heapRaw);
    mark('gz2');
    await upload(g2);
    mark('post2');
    // Only the synchronous steps are stalls (the builds are sliced: see above).
    collectStalls.push(Math.max(steps[0], steps[3]));
    if (process.env.STEP_LOG) process.stderr.write(`STEP ${JSON.stringify({ at: +rotatedAt.toFixed(2), rotate: +rotateMillis.toFixed(2), heap: +heapMillis.toFixed(2), encCpu: +encodeCpuMillis.toFixed(2), enc: +steps[3].toFixed(2), nodes: nodesWalked() - nodesBefore })}\n`);
    steps.forEach((v, i) => { stepMax[i] = Math.max(stepMax[i], v); });
    periods++;
  };
  // flush=0: sample only, collect nothing while the app runs (the cost of sampling alone).
  const timer = FLUSH_MILLIS > 0 ? setInterval(() => watchWindow(collect()), FLUSH_MILLIS) : undefined;
  timer?.unref();
  return async () => {
    clearInterval(timer);
    asCollection(() => w.close());
    await transport.close();
  };
}

/** The whole pipeline as a user runs it: startProfiling() with defaults, uploading to the sink. */
function startFull() {
  const { Scheduler } = dist('scheduler');
  const period = Scheduler.prototype._period;
  Scheduler.prototype._period = function timedPeriod(...a) {
    const p = period.apply(this, a);
    watchWindow(p);
    return p;
  };
  const profiler = dist('index').startProfiling({
    serviceName: 'bench', serverAddress: `http://127.0.0.1:${sinkPort}`, uploadIntervalMillis: FLUSH_MILLIS,
  });
  return async () => {
    await profiler.shutdown();
    periods = profiler.stats.periods - 1; // the last, partial window is sent by shutdown()
    exportFailures = profiler.stats.exportFailures;
  };
}

function startPyroscope() {
  // Time the peer's synchronous native calls (V8 profiler stop/restart + serialisation, heap read)
  // the way otelprof's steps are timed.
  const ddPprof = require(require.resolve('@datadog/pprof', { paths: [require.resolve('@pyroscope/nodejs')] }));
  for (const [obj, name] of [[ddPprof.time, 'stop'], [ddPprof.heap, 'profile']]) {
    const orig = obj[name];
    obj[name] = function timed(...a) {
      const t = performance.now();
      try {
        return orig.apply(this, a);
      } finally {
        collectStalls.push(performance.now() - t);
      }
    };
  }
  const { ContinuousProfiler } = require(require('node:path').join(require('node:path').dirname(require.resolve('@pyroscope/nodejs')), 'profilers', 'continuous-profiler.js'));
  const round = ContinuousProfiler.prototype.profilingRound;
  ContinuousProfiler.prototype.profilingRound = function timedRound(...a) {
    const p = round.apply(this, a);
    watchWindow(p);
    periods += 0.5; // two continuous profilers (wall, heap) each run one round per period
    return p;
  };
  const Pyroscope = require('@pyroscope/nodejs');
  Pyroscope.init({
    appName: 'bench', serverAddress: `http://127.0.0.1:${sinkPort}`, flushIntervalMs: FLUSH_MILLIS,
    wall: { samplingDurationMs: FLUSH_MILLIS, samplingIntervalMicros: 10_000, collectCpuTime: true }, heap: { samplingIntervalBytes: 512 * 1024 },
  });
  Pyroscope.start();
  return async () => {
    await Pyroscope.stop();
  };
}

/** The baseline watches the same windows on the same schedule, with nothing collected. */
function startBaselineWindows() {
  const timer = setInterval(() => {
    watchWindow(undefined);
    periods++;
  }, FLUSH_MILLIS);
  timer.unref();
  return async () => clearInterval(timer);
}

async function runCpu(units) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const th0 = threadCpuByName();
  let acc = 0;
  for (let i = 0; i < units; i++) {
    acc += await labeled('unit', String(i % 8), () => unitOfWork(i));
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage(c0);
  return {
    cpuMicrosPerUnit: (cpu.user + cpu.system) / units, work: units, ...threadCpuFields(th0),
    wallMillis: performance.now() - t0, checksum: acc > 0 ? 1 : 0,
  };
}

function runHttp() {
  return new Promise((resolve) => {
    let served = 0;
    let c0 = process.cpuUsage();
    let th0 = threadCpuByName();
    let t0 = performance.now();
    const server = http.createServer((req, res) => {
      if (req.url === '/start') {
        c0 = process.cpuUsage();
        th0 = threadCpuByName();
        t0 = performance.now();
        served = 0;
        res.end('ok');
        return;
      }
      if (req.url === '/stop') {
        const cpu = process.cpuUsage(c0);
        const threads = threadCpuFields(th0);
        res.end('ok');
        server.close();
        resolve({ cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, served), work: served, ...threads, wallMillis: performance.now() - t0 });
        return;
      }
      labeled('route', '/work', async () => {
        const v = unitOfWork(served);
        await new Promise((r) => setImmediate(r));
        served++;
        res.end(String(v));
      });
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
  });
}

async function main() {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const starters = {
    baseline: startBaselineWindows, otelprof: () => startOtelprof(false), 'otelprof-labels': () => startOtelprof(true),
    // Diagnostic variants (not in the default sets): one sampler each, interleaved with the others.
    'otelprof-cpu': () => startOtelprof(false, 'cpu'), 'otelprof-heap': () => startOtelprof(false, 'heap'),
    // Diagnostic: runWithLabels on every unit/request with no profiler (what the labels cost alone).
    'labels-only': startBaselineWindows,
    full: startFull, pyroscope: startPyroscope,
  };
  if (!starters[variant]) throw new Error(`unknown variant ${variant}`);
  const stop = await starters[variant]();
  eld.enable();
  const rssSampler = setInterval(sampleRssSplit, 250);
  const result = workload === 'cpu' ? await runCpu(Number(arg)) : await runHttp();
  eld.disable();
  clearInterval(rssSampler);
  sampleRssSplit();
  for (const h of openWindows) closeWindow(h);
  const periodsInRun = periods;
  await stop();
  if (variant !== 'full') periods = periodsInRun;
  const after = (xs) => (xs.length > 1 ? Math.max(...xs.slice(1)) : NaN);
  process.stdout.write(`${JSON.stringify({
    ...result,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    maxRssAnonMB: rssPeaks.anon,
    maxRssFileMB: rssPeaks.file,
    maxHeapTotalMB: rssPeaks.heapTotal,
    maxHeapUsedMB: rssPeaks.heapUsed,
    maxNewSpaceMB: rssPeaks.newSpace,
    maxExternalMB: rssPeaks.external,
    maxLoopDelayMillis: eld.max / 1e6,
    periods,
    exportFailures,
    maxCollectStallMillis: collectStalls.length ? Math.max(...collectStalls) : NaN,
    // The first collection also loads source maps and warms up the encoder.
    maxCollectStallAfterFirstMillis: after(collectStalls),
    backgroundReads: backgroundReads.length,
    maxBackgroundReadMillis: backgroundReads.length ? Math.max(...backgroundReads) : NaN,
    maxWindowDelayMillis: windowMaxDelays.length ? Math.max(...windowMaxDelays) : NaN,
    maxWindowDelayAfterFirstMillis: after(windowMaxDelays),
    windows: windowMaxDelays.length,
    // Every window's longest delay, in order (since the eleventh pass): the distribution against
    // the baseline's windows, not only the single largest.
    windowDelaysMillis: windowMaxDelays,
    stepMaxMillis: stepMax,
  })}\n`);
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
