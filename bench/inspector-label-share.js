#!/usr/bin/env node
/**
 * The acceptance test's label pattern on the inspector sampler (test/sampler/cpu-labels.test.ts):
 * ten tasks, each under its own runWithLabels, burning 6 ms slices separated by awaits, profiled
 * at 200 Hz (SLICE_MS=<ms> for other slices). Per run: the worst task's share of its own samples and how many samples in all
 * carried another task's label. MANAGER=1 registers OTel's AsyncLocalStorageContextManager.
 * Load the machine with other processes to see what contention does to the join of V8's sample
 * times with the recorded context switches.
 *
 *   node bench/inspector-label-share.js [runs=10]
 * Loads dist/ (run `node scripts/build.js` first). Not part of the library.
 */
'use strict';
const { PassThrough } = require('node:stream');
const { context } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { namedBurner, profileSamples } = require('./named-burners');

const otelprof = require('../dist/src/index');

const TASKS = 10;
// SLICE_MS: the length of each slice (the test's 6 ms by default).
const SLICE_MS = Number(process.env.SLICE_MS ?? 6);
// A new never-cached function per task and run.
const burner = (name) => namedBurner(name, 'for (let i = 0; i < 200; i++) x += Math.sqrt(i);');
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function oneRun() {
  const burners = Array.from({ length: TASKS }, (_, i) => burner(`burn_task${i}`));
  const out = new PassThrough();
  const chunks = [];
  out.on('data', (c) => chunks.push(c));
  otelprof.startCPUProfile(out, { backend: 'inspector', hz: 200 });
  await Promise.all(burners.map((burn, i) => otelprof.runWithLabels(otelprof.labels('task', `task${i}`), async () => {
    for (let k = 0; k < 25; k++) {
      burn(SLICE_MS);
      if (k % 2 === 0) await tick();
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })));
  await otelprof.stopCPUProfile();
  const perTask = new Map();
  for (const s of profileSamples(Buffer.concat(chunks))) {
    const fn = s.functions.find((f) => f.startsWith('burn_task'));
    if (fn === undefined) continue;
    const task = `task${fn.slice('burn_task'.length)}`;
    const e = perTask.get(task) ?? { total: 0, own: 0 };
    e.total += s.value;
    if (s.labels.task === task) e.own += s.value;
    perTask.set(task, e);
  }
  const all = [...perTask.values()];
  const worst = Math.min(...all.map((e) => e.own / e.total));
  return `${worst.toFixed(3)} (${all.reduce((n, e) => n + e.total - e.own, 0)} of ${all.reduce((n, e) => n + e.total, 0)})`;
}

(async () => {
  if (process.env.MANAGER) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const runs = [];
  for (let r = 0; r < Number(process.argv[2] ?? 10); r++) runs.push(await oneRun());
  process.stdout.write(`${process.version} ${process.env.MANAGER ? 'with' : 'without'} a context manager; worst task's own share (samples labelled for another task, of all):\n  ${runs.join(', ')}\n`);
})();
