#!/usr/bin/env node
/**
 * The synchronous read of a collection, taken apart, under a CPU workload in the same process:
 * a CPU window's rotation (of it, the addon's call, and the rest) and the heap sampler's read. Made for deep stacks
 * (STACK_DEPTH=40, optionally STACK_ESM=1: see bench/workload.js), where V8's trees have thousands
 * of nodes; the app's loop waits for each of these steps. READ_LOOP=await runs the units as
 * bench/overhead-app.js does. READ_MODES=alternate: see below. READ_WARM_UP=0: without the
 * collections' warm-up that startProfiling() runs.
 *
 *   node scripts/build.js --allow-type-errors
 *   STACK_DEPTH=40 node bench/read-step.js [reads=6] [periodMillis=3000]
 * DIST=<a build's dist/> measures another build (side by side: run both in turn). Prints one JSON
 * line: every read and the medians of the reads after the first (which also compiles the code).
 * Not part of the library.
 */
'use strict';
const { join } = require('node:path');
const { median } = require('./stats');
const { unitOfWork } = require('./workload');

const reads = Number(process.argv[2] ?? 6);
const periodMillis = Number(process.argv[3] ?? 3000);
const distDir = process.env.DIST ?? join(__dirname, '..', 'dist');
const dist = (p) => require(join(distDir, 'src', p));

// Time the addon's call inside each rotation: `stop` (builds before the twenty-eighth pass: V8's
// stop and restart, and the whole tree made into JS objects; otelprof's walk of it follows) or
// `stopAndCollect` (since: the walk runs inside the call, on the addon's lazy view of the tree).
// Also counts the tree's nodes, after the read; that time is taken off the rotation's below.
const addon = dist('sampler/native-addon').loadNativeAddon();
const proto = addon.TimeProfiler.prototype;
const countNodes = (n) => n.children.reduce((c, k) => c + countNodes(k), 1);
let addonMs = 0;
let countMs = 0;
let treeNodes = 0;
const count = (root) => {
  const t = performance.now();
  treeNodes = countNodes(root);
  return performance.now() - t;
};
const stop = proto.stop;
proto.stop = function (...args) {
  const t = performance.now();
  const profile = stop.apply(this, args);
  addonMs += performance.now() - t;
  countMs += count(profile.topDownRoot);
  return profile;
};
// READ_MODES=alternate: every other read goes through `stop` and hands its tree to otelprof's walk
// (what `stopAndCollect` replaced), so the two are compared in one process, read by read.
const alternate = process.env.READ_MODES === 'alternate';
let eager = false;
/** Whether this read went through `stopAndCollect`'s lazy view (builds before it call `stop`). */
let lazyRead = false;
const stopAndCollect = proto.stopAndCollect;
proto.stopAndCollect = function (restart, read) {
  if (eager) {
    const t = performance.now();
    const profile = stop.call(this, restart);
    addonMs += performance.now() - t;
    const r = read(profile);
    countMs += count(profile.topDownRoot);
    return r;
  }
  lazyRead = true;
  const t = performance.now();
  let counted = 0;
  const out = stopAndCollect.call(this, restart, (profile) => {
    const r = read(profile);
    counted = count(profile.topDownRoot);
    return r;
  });
  addonMs += performance.now() - t - counted;
  countMs += counted;
  return out;
};

const { openCpuWindow, startHeapSampler, takeHeapSnapshot, warmUpCollections } = dist('sampler');
// As startProfiling() and bench/overhead-app.js do (READ_WARM_UP=0: without; before the
// thirty-first pass this bench ran without it).
if (process.env.READ_WARM_UP !== '0') warmUpCollections?.();
const w = openCpuWindow({ hz: 100 });
startHeapSampler({ intervalBytes: 524288 });

// READ_LOOP=await: each unit awaited and a new turn every 50, as bench/overhead-app.js runs them
// (V8's tree then has more distinct paths: the units run from the microtask queue as well).
const awaitEach = process.env.READ_LOOP === 'await';
let running = true;
let done = 0;
(async () => {
  let acc = 0;
  while (running) {
    for (let j = 0; j < 50; j++) acc += awaitEach ? await Promise.resolve(unitOfWork(done++)) : unitOfWork(done++);
    await new Promise((r) => setImmediate(r));
  }
  return acc;
})();

const rows = [];
const timer = setInterval(() => {
  addonMs = 0;
  countMs = 0;
  lazyRead = false;
  let t = performance.now();
  const raw = w.rotate();
  const rotateMs = performance.now() - t - countMs;
  const stopMs = addonMs;
  t = performance.now();
  const snap = takeHeapSnapshot();
  const heapMs = performance.now() - t;
  let depth = 0;
  for (let i = 0; i < raw.samples.length; i++) depth = Math.max(depth, raw.samples.stackAt(i).length);
  rows.push({ mode: lazyRead ? 'lazy' : 'stop', rotateMs, addonCallMs: stopMs, outsideMs: rotateMs - stopMs, heapMs, treeNodes, samples: raw.samples.length, heapRecords: snap.records.length, deepest: depth });
  if (alternate) eager = !eager;
  if (rows.length < reads) return;
  clearInterval(timer);
  running = false;
  w.close();
  const later = rows.slice(1);
  const med = (k, of = later) => Number(median(of.map((r) => r[k])).toFixed(2));
  const byMode = alternate ? Object.fromEntries(['lazy', 'stop'].map((m) => {
    const of = later.filter((r) => r.mode === m);
    return [m, { reads: of.length, rotateMs: med('rotateMs', of), addonCallMs: med('addonCallMs', of), outsideMs: med('outsideMs', of) }];
  })) : undefined;
  console.log(JSON.stringify({
    node: process.versions.node, dist: distDir, loop: awaitEach ? 'await' : 'sync', stackDepth: Number(process.env.STACK_DEPTH ?? 0), esm: process.env.STACK_ESM === '1', periodMillis,
    median: { rotateMs: med('rotateMs'), addonCallMs: med('addonCallMs'), outsideMs: med('outsideMs'), heapMs: med('heapMs') }, byMode,
    reads: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(2)) : v]))),
  }));
}, periodMillis);
