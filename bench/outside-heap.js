#!/usr/bin/env node
/**
 * Memory outside V8's heap in a process running the core sampler: anonymous RSS (procfs)
 * minus the JS heap's resident size (`total_physical_size`); what is left is malloc's arenas
 * (V8's profiler, compiler zones, zlib, the addon), array buffers, thread stacks. One JSON line per
 * report. Two forms:
 *
 *   node bench/outside-heap.js timed <none|rotate|core|block|full> [seconds=1200]
 *     bench/workload.js units in 5 ms turns; `rotate` opens a 100 Hz CPU window and rotates it
 *     every 10 s (nothing built); `core` adds the heap sampler and, every 10 s, the whole
 *     collection without the scheduler (heap read, both builds, encode, gzip); `block` turns the
 *     block profile on at 10 ms (its collector keeps a minute of samples and rotates every 10 s;
 *     the 5 ms turns make no stalls); `full` runs startProfiling() with its defaults, uploading
 *     every 10 s to a loopback sink in a child process; a report every 30 s.
 *   node bench/outside-heap.js fast <stage> [collections=2000] [periodMillis=200]
 *     CPU window (100 Hz) and heap sampler; a collection every periodMillis of work, up to `stage`:
 *     rotate | snap (+ heap read) | cpubuild (rotate + CPU build only) | build (+ both builds) |
 *     nogzip (+ encode) | collect (+ gzip); a report every 250 collections. Short windows
 *     make many collections in minutes, to see where the memory they leave settles.
 *
 * MALLOC_ARENA_MAX=<n> in the environment limits glibc's arenas (compare runs with and without).
 * DRAIN_MILLIS=<ms> sets the sampler's drain period before the window opens (it sizes the native
 * addon's per-sample buffer).
 * DIST is the build loaded; by default a node_modules copy of dist/ (bench/installed-copy.js), as an
 * app loads it: loaded from the checkout, otelprof's own frames have source maps, and mapping them
 * loads the source-map library and compiles its WebAssembly, which no user process does (runs
 * before 2026-12-07 did that). Not part of the library.
 */
'use strict';
const v8 = require('node:v8');
const { rssSplitMB } = require('./proc-mem');
const { installedCopy } = require('./installed-copy');
const { busyTurns, unitOfWork } = require('./workload');
const { startPushSinkProcess } = require('./push-sink');

const DIST = process.env.DIST ?? installedCopy();
const [form, mode] = process.argv.slice(2);

function report(at) {
  const { anon } = rssSplitMB();
  const heap = v8.getHeapStatistics().total_physical_size / 1048576;
  const arrayBuffers = process.memoryUsage().arrayBuffers / 1048576;
  // The young generation's share of the heap's resident size: V8 grows it in steps.
  const young = v8.getHeapSpaceStatistics().filter((s) => s.space_name.startsWith('new_')).reduce((a, s) => a + s.physical_space_size, 0) / 1048576;
  const mb = (x) => +x.toFixed(1);
  process.stdout.write(`${JSON.stringify({ form, mode, ...at, anon: mb(anon), heapPhys: mb(heap), young: mb(young), ab: mb(arrayBuffers), outside: mb(anon - heap) })}\n`);
}

async function timed(seconds) {
  if (mode === 'rotate') {
    require(`${DIST}/src/index`);
    const w = require(`${DIST}/src/sampler`).openCpuWindow({ hz: 100 });
    setInterval(() => w.rotate(), 10_000).unref();
  } else if (mode === 'core') {
    require(`${DIST}/src/index`);
    const { encode, gzip } = require(`${DIST}/src/pprof`);
    const s = require(`${DIST}/src/sampler`);
    const w = s.openCpuWindow({ hz: 100 });
    s.startHeapSampler({ intervalBytes: 524288 });
    setInterval(async () => {
      const raw = w.rotate();
      const snap = s.takeHeapSnapshot();
      const cpu = await s.buildCpuProfile(raw, 'cpu');
      const heap = await s.buildHeapProfile(snap, 'heap');
      await gzip(encode(cpu));
      await gzip(encode(heap));
    }, 10_000).unref();
  } else if (mode === 'block') {
    require(`${DIST}/src/index`).setBlockProfileRate(10_000_000);
  } else if (mode === 'full') {
    const port = await startPushSinkProcess();
    const profiler = require(`${DIST}/src/index`).startProfiling({ serviceName: 'bench', serverAddress: `http://127.0.0.1:${port}` });
    // The upload's keep-alive socket holds the loop: end the run when the work ends.
    setTimeout(() => profiler.shutdown().then(() => process.exit(0)), seconds * 1000 + 1000).unref();
  } else if (mode !== 'none') {
    throw new Error(`timed: unknown mode ${mode} (none | rotate | core | block | full)`);
  }
  const t0 = Date.now();
  let next = 0;
  busyTurns(() => {
    const t = (Date.now() - t0) / 1000;
    if (t >= next) {
      next += 30;
      report({ t: Math.round(t) });
    }
    return t < seconds;
  });
}

const STAGES = ['rotate', 'snap', 'cpubuild', 'build', 'nogzip', 'collect'];

async function fast(collections, periodMillis) {
  if (!STAGES.includes(mode)) throw new Error(`fast: unknown stage ${mode} (${STAGES.join(' | ')})`);
  require(`${DIST}/src/index`);
  const { encode, gzip } = require(`${DIST}/src/pprof`);
  const s = require(`${DIST}/src/sampler`);
  if (process.env.DRAIN_MILLIS) require(`${DIST}/src/sampler/cpu-sampler`).setCpuDrainMillis(Number(process.env.DRAIN_MILLIS));
  const w = s.openCpuWindow({ hz: 100 });
  s.startHeapSampler({ intervalBytes: 524288 });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  let unit = 0;
  for (let n = 0; n <= collections; n++) {
    if (n % 250 === 0) report({ n });
    const until = Date.now() + periodMillis;
    while (Date.now() < until) {
      for (let k = 0; k < 200; k++) unitOfWork(unit++);
      await tick();
    }
    const raw = w.rotate();
    if (mode === 'rotate') continue;
    if (mode === 'cpubuild') {
      await s.buildCpuProfile(raw, 'cpu');
      continue;
    }
    const snap = s.takeHeapSnapshot();
    if (mode === 'snap') continue;
    const cpu = await s.buildCpuProfile(raw, 'cpu');
    const heap = await s.buildHeapProfile(snap, 'heap');
    if (mode === 'build') continue;
    const cpuBytes = encode(cpu);
    const heapBytes = encode(heap);
    if (mode === 'nogzip') continue;
    await gzip(cpuBytes);
    await gzip(heapBytes);
  }
  w.close();
}

if (form === 'timed') timed(Number(process.argv[4] ?? 1200));
else if (form === 'fast') fast(Number(process.argv[4] ?? 2000), Number(process.argv[5] ?? 200));
else throw new Error('usage: outside-heap.js timed <none|rotate|core|block|full> [seconds] | fast <stage> [collections] [periodMillis]');
