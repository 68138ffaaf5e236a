#!/usr/bin/env node
/**
 * Whether functions running on-stack-replacement (OSR) code keep their frames in a CPU profile.
 * V8 logs each piece of code to the profiler's code map when it is compiled while a profile runs;
 * code compiled earlier is logged when the profiler starts, but OSR code is not among it (measured
 * on Node 22, 24 and 26), so its samples go to the caller. Ten named burners run 25 slices of 6 ms
 * each, in three phases of one process:
 *   warm       the burners run with no profile (their loops get OSR code)
 *   one-off    startCPUProfile / stopCPUProfile around the same work, twice
 *   windows    one sampler window around the work, rotated twice (V8's profile never stops)
 * Prints, per profile, the samples with each burner on the stack and those with none.
 *
 *   node bench/osr-frames.js [native|inspector]
 * Loads dist/ (run `node scripts/build.js` first). Not part of the library.
 */
'use strict';
const { PassThrough } = require('node:stream');
const otelprof = require('../dist/src/index');
const { openCpuWindow } = require('../dist/src/sampler');
const { namedBurner, profileSamples } = require('./named-burners');

const backend = process.argv[2] ?? 'native';
const BODY = Array.from({ length: 40 }, (_, i) => `x += Math.sqrt(x + ${i}) * ${i % 7};`).join(' ');
const burners = Array.from({ length: 10 }, (_, i) => namedBurner(`burn_task${i}`, BODY));
const work = () => Promise.all(burners.map(async (burn) => {
  for (let k = 0; k < 25; k++) {
    burn(6);
    await new Promise((resolve) => setImmediate(resolve));
  }
}));

/** Samples per burner (by the innermost burner frame) and with none, from function-name stacks. */
function tally(stacks) {
  const per = new Map();
  for (const names of stacks) {
    const f = names.find((n) => n.startsWith('burn_task')) ?? '(none)';
    per.set(f, (per.get(f) ?? 0) + 1);
  }
  return `${burners.map((_, i) => per.get(`burn_task${i}`) ?? 0).join(',')} none=${per.get('(none)') ?? 0}`;
}

async function oneOff() {
  const out = new PassThrough();
  const chunks = [];
  out.on('data', (c) => chunks.push(c));
  otelprof.startCPUProfile(out, { backend, hz: 200 });
  await work();
  await otelprof.stopCPUProfile();
  const stacks = [];
  for (const s of profileSamples(Buffer.concat(chunks))) {
    for (let n = 0; n < s.value; n++) stacks.push(s.functions);
  }
  return tally(stacks);
}

(async () => {
  await work();
  const lines = [`${process.version} ${backend}, burners warmed with no profile running (samples with burn_task0..9 on the stack, and with none)`];
  for (let r = 0; r < 2; r++) lines.push(`  one-off profile ${r + 1}: ${await oneOff()}`);
  const w = openCpuWindow({ hz: 200, backend });
  for (let r = 0; r < 3; r++) {
    await work();
    const raw = r < 2 ? w.rotate() : w.close();
    lines.push(`  window ${r + 1} of one sampler run: ${tally([...raw.samples].map((s) => s.stack.map((f) => f.functionName)))}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
})();
