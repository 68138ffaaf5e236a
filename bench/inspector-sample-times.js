#!/usr/bin/env node
/**
 * How far V8's inspector sample times are from when the stack was taken: a function runs 200
 * times for 3 ms, bracketed by `performance.now()` moved onto the clock V8's profile times use
 * (the library's `performanceOriginMicros`, the tightest of several hrtime brackets; the
 * eighteenth pass read that offset once, cold, and measured its error), under a 1 kHz profile.
 * Each sample with the function on its stack should have its time inside one of the brackets. Prints how many are inside, before their bracket's
 * start and after its end, with the first few distances (µs).
 *
 *   node bench/inspector-sample-times.js [intervalMicros=1000]
 * Loads dist/ (run `node scripts/build.js` first). Not part of the library.
 */
'use strict';
const inspector = require('node:inspector');

const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => {
  session.post(method, params, (err, res) => (err ? reject(err) : resolve(res)));
});
const { performanceOriginMicros } = require('../dist/src/sampler/clock');

const originMicros = performanceOriginMicros();
const nowMicros = () => performance.now() * 1000 + originMicros;

function bracketed(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x++;
  return x;
}

(async () => {
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: Number(process.argv[2] ?? 1000) });
  await post('Profiler.start');
  const brackets = [];
  for (let i = 0; i < 200; i++) {
    const from = nowMicros();
    bracketed(3);
    brackets.push([from, nowMicros()]);
    await new Promise((r) => setTimeout(r, 2));
  }
  const { profile } = await post('Profiler.stop');
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inBracketed = (id) => {
    for (let x = id; x !== undefined; x = parent.get(x)) if (nodes.get(x).callFrame.functionName === 'bracketed') return true;
    return false;
  };
  let t = profile.startTime;
  let inside = 0;
  const before = [];
  const after = [];
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (!inBracketed(profile.samples[i])) continue;
    // The nearest bracket: samples are at most a few ms away from theirs.
    let best;
    let bestDist = Infinity;
    for (const b of brackets) {
      const d = t < b[0] ? b[0] - t : t > b[1] ? t - b[1] : 0;
      if (d < bestDist) { bestDist = d; best = b; }
    }
    if (bestDist === 0) inside++;
    else if (t < best[0]) before.push(Math.round(best[0] - t));
    else after.push(Math.round(t - best[1]));
  }
  process.stdout.write(JSON.stringify({
    node: process.version, inside, before: before.length, after: after.length,
    maxBeforeMicros: Math.max(0, ...before), maxAfterMicros: Math.max(0, ...after),
  }) + '\n');
})();
