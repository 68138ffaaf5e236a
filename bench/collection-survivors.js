#!/usr/bin/env node
/**
 * What each step of a core-sampler collection leaves alive in V8's young generation, the way
 * bench/gc-survivors-steps.js counts start-up: the app burns bench/workload.js units in 5 ms turns
 * for `windowMillis` (CPU window at 100 Hz, heap sampler on), then one collection runs step by step
 * (rotate, heap read, cpu build, heap build, encode, gzip) with two forced scavenges and a marker
 * after each; repeated `collections` times. What survives a collection's steps is what it adds to
 * the count that makes V8 grow its young generation.
 *
 *   node --expose-gc --trace-gc-nvp bench/collection-survivors.js [windowMillis=10000] [collections=4] > trace.txt
 *   node bench/gc-survivors-steps.js --report trace.txt
 * DIST=<dir> loads another build. Not part of the library.
 */
'use strict';
const { mark } = require('./gc-survivors');
const { busyTurns } = require('./workload');

const DIST = process.env.DIST ?? `${__dirname}/../dist`;
const windowMillis = Number(process.argv[2] ?? 10_000);
const collections = Number(process.argv[3] ?? 4);

require(`${DIST}/src/index`);
const { encode, gzip } = require(`${DIST}/src/pprof`);
const sampler = require(`${DIST}/src/sampler`);

async function collectStepByStep(w, n) {
  mark(`collection ${n}: before`);
  const raw = w.rotate();
  mark(`rotated (${raw.samples.length} samples)`);
  const snap = sampler.takeHeapSnapshot();
  mark(`heap read (${snap.records.length} records)`);
  const cpu = await sampler.buildCpuProfile(raw, 'cpu');
  mark(`cpu built (${cpu.samples.length} samples)`);
  const heap = await sampler.buildHeapProfile(snap, 'heap');
  mark('heap built');
  const bytes = [encode(cpu), encode(heap)];
  mark('encoded');
  await gzip(bytes[0]);
  await gzip(bytes[1]);
  mark('gzipped');
}

const w = sampler.openCpuWindow({ hz: 100 });
sampler.startHeapSampler({ intervalBytes: 524288 });
sampler.warmUpCollections();
let done = 0;
(function burnThenCollect() {
  const windowStart = Date.now();
  busyTurns(() => {
    if (Date.now() - windowStart < windowMillis) return true;
    collectStepByStep(w, ++done).then(() => (done === collections ? w.close() : burnThenCollect()));
    return false;
  });
})();
