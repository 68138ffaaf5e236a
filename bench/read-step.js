#!/usr/bin/env node
/**
 * The synchronous read of a collection, taken apart, under a CPU workload in the same process:
 * a CPU window's rotation (of it, the addon's `stop`, the part otelprof cannot cut, and the rest:
 * walking V8's tree into samples) and the heap sampler's read. Made for deep stacks
 * (STACK_DEPTH=40, optionally STACK_ESM=1: see bench/workload.js), where V8's trees have thousands
 * of nodes; the app's loop waits for each of these steps.
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

// Time the addon's own calls: its stop inside the rotation, and the whole backend read.
const addon = dist('sampler/native-addon').loadNativeAddon();
const timed = (proto, name, into) => {
  const original = proto[name];
  proto[name] = function (...args) {
    const t = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      into.ms += performance.now() - t;
    }
  };
};
const addonStop = { ms: 0 };
timed(addon.TimeProfiler.prototype, 'stop', addonStop);

const { openCpuWindow, startHeapSampler, takeHeapSnapshot } = dist('sampler');
const w = openCpuWindow({ hz: 100 });
startHeapSampler({ intervalBytes: 524288 });

let running = true;
let done = 0;
(async () => {
  while (running) {
    for (let j = 0; j < 50; j++) unitOfWork(done++);
    await new Promise((r) => setImmediate(r));
  }
})();

const rows = [];
const timer = setInterval(() => {
  addonStop.ms = 0;
  let t = performance.now();
  const raw = w.rotate();
  const rotateMs = performance.now() - t;
  const stopMs = addonStop.ms;
  t = performance.now();
  const snap = takeHeapSnapshot();
  const heapMs = performance.now() - t;
  let depth = 0;
  for (let i = 0; i < raw.samples.length; i++) depth = Math.max(depth, raw.samples.stackAt(i).length);
  rows.push({ rotateMs, addonStopMs: stopMs, walkMs: rotateMs - stopMs, heapMs, samples: raw.samples.length, heapRecords: snap.records.length, deepest: depth });
  if (rows.length < reads) return;
  clearInterval(timer);
  running = false;
  w.close();
  const later = rows.slice(1);
  const med = (k) => Number(median(later.map((r) => r[k])).toFixed(2));
  console.log(JSON.stringify({
    node: process.versions.node, dist: distDir, stackDepth: Number(process.env.STACK_DEPTH ?? 0), esm: process.env.STACK_ESM === '1', periodMillis,
    median: { rotateMs: med('rotateMs'), addonStopMs: med('addonStopMs'), walkMs: med('walkMs'), heapMs: med('heapMs') },
    reads: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(2))]))),
  }));
}, periodMillis);
