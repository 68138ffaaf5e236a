#!/usr/bin/env node
/**
 * What carrying labels costs per request, without HTTP in the way: a fixed number of async
 * "requests" (a little CPU, an `await` of a resolved promise, an `await setImmediate`, a little
 * more CPU), 16 in flight at a time, each run in a fresh process. Variants, interleaved over ROUNDS
 * rounds:
 *   plain           no otelprof loaded
 *   sampler         the core CPU sampler at 100 Hz, no labels
 *   labels          runWithLabels(labels('route', r)) around every request, no sampler
 *   labels+sampler  both: the label bridge puts the labels on samples
 * Reported: process CPU per request (user + sys), median over rounds, and the ratio to `plain` of
 * the same round (paired median).
 *
 *   node scripts/build.js --allow-type-errors   # loads dist/
 *   node bench/label-bridge.js [rounds=5] [requests=300000]
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const VARIANTS = ['plain', 'sampler', 'labels', 'labels+sampler'];

function unit(i) {
  let x = 0;
  for (let k = 0; k < 300; k++) x += Math.sqrt(k + i);
  return x;
}

async function child(variant, requests) {
  const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));
  const withLabels = variant.startsWith('labels');
  const { labels, runWithLabels } = withLabels ? dist('index') : {};
  if (variant.endsWith('sampler')) {
    if (withLabels) dist('profiles').enableLabelSampleContexts();
    dist('sampler').openCpuWindow({ hz: 100 });
  }
  const routes = ['/a', '/b', '/c', '/d'];
  const request = async (i) => {
    let v = unit(i);
    await null;
    await new Promise((r) => setImmediate(r));
    v += unit(i + 1);
    return v;
  };
  const run = withLabels ? (i) => runWithLabels(labels('route', routes[i % 4]), () => request(i)) : request;
  let next = 0;
  let acc = 0;
  const worker = async () => {
    while (next < requests) acc += await run(next++);
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 16 }, worker));
  const cpu = process.cpuUsage(c0);
  process.stdout.write(`${JSON.stringify({ cpuMicrosPerRequest: (cpu.user + cpu.system) / requests, wallMillis: performance.now() - t0, ok: acc > 0 })}\n`);
  process.exit(0);
}

if (process.argv[2] === '--child') {
  child(process.argv[3], Number(process.argv[4]));
} else {
  const rounds = Number(process.argv[2] ?? 5);
  const requests = String(process.argv[3] ?? 300000);
  const results = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (const v of [...VARIANTS.slice(r % VARIANTS.length), ...VARIANTS.slice(0, r % VARIANTS.length)]) {
      const out = execFileSync(process.execPath, [__filename, '--child', v, requests], { encoding: 'utf8' });
      results[v][r] = JSON.parse(out.trim().split('\n').pop());
    }
  }
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
  console.log(`Node ${process.versions.node}, ${rounds} rounds, ${requests} requests per run, 16 in flight\n`);
  console.log('| variant | CPU µs / request, median | vs plain, paired median (min–max) |');
  console.log('|---|---|---|');
  for (const v of VARIANTS) {
    const ratios = results[v].map((x, i) => x.cpuMicrosPerRequest / results.plain[i].cpuMicrosPerRequest);
    console.log(`| ${v} | ${median(results[v].map((x) => x.cpuMicrosPerRequest)).toFixed(2)} | ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`);
  }
}
