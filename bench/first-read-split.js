#!/usr/bin/env node
/**
 * Where the first read of V8's CPU profile spends its time: the addon's `stop(restart)` against
 * the JS walk of the tree it returns (NativeCpuBackend.collect), for reads at the given times after
 * sampling starts. One process per call; a busy loop of bench/workload.js units in 5 ms turns.
 *
 *   node bench/first-read-split.js [readsAtMillis=1000,10000,20000]
 * Prints one JSON line: the Node version and, per read, its time after start, `stop` and `walk` ms.
 * Not part of the library (uses the backend directly, from dist/).
 */
'use strict';
const DIST = process.env.DIST ?? `${__dirname}/../dist`;
const { NativeCpuBackend } = require(`${DIST}/src/sampler/native-cpu`);
const { busyTurns } = require('./workload');

const backend = new NativeCpuBackend(10_000, 60_000);
const profiler = backend._profiler;
const stop = profiler.stop.bind(profiler);
let stopMillis = 0;
profiler.stop = (restart) => {
  const t = performance.now();
  const out = stop(restart);
  stopMillis = performance.now() - t;
  return out;
};
backend.start();
const readsAt = (process.argv[2] ?? '1000,10000,20000').split(',').map(Number);
const reads = [];
const t0 = performance.now();
busyTurns(() => {
  if (performance.now() - t0 >= readsAt[reads.length]) {
    const t = performance.now();
    backend.collect(true);
    const all = performance.now() - t;
    reads.push({ at: readsAt[reads.length], stop: +stopMillis.toFixed(2), walk: +(all - stopMillis).toFixed(2) });
  }
  if (reads.length < readsAt.length) return true;
  backend.collect(false);
  process.stdout.write(`${JSON.stringify({ node: process.version, reads })}\n`);
  return false;
});
