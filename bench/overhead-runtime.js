#!/usr/bin/env node
/**
 * Runtime-profiles overhead: the loopback HTTP workload of overhead-runtime-app.ts run as `none`,
 * `sampler` (the CPU sampler continuous profiling always runs: the baseline), `block-mutex` and
 * `goroutine`, each in a fresh process, interleaved for ROUNDS rounds; prints medians and ratios
 * as a Markdown table (the `## runtime profiles overhead` section of bench/RESULTS.md).
 *
 *   node bench/overhead-runtime.js [rounds=5] [requests=4000] [concurrency=8]
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const rounds = Number(process.argv[2] ?? 5);
const requests = String(process.argv[3] ?? 4000);
const concurrency = String(process.argv[4] ?? 8);
const variants = ['none', 'sampler', 'block-mutex', 'goroutine'];
const results = Object.fromEntries(variants.map((v) => [v, []]));

for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    const out = execFileSync(
      process.execPath,
      ['-r', join(__dirname, 'overhead-otel-register.js'), join(__dirname, 'overhead-runtime-app.ts'), v, requests, concurrency],
      { cwd: join(__dirname, '..'), encoding: 'utf8' },
    );
    results[v].push(JSON.parse(out.trim().split('\n').pop()));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const none = median(results.none.map((x) => x.cpuMicrosPerRequest));
const base = median(results.sampler.map((x) => x.cpuMicrosPerRequest));
console.log(`Node ${process.versions.node}, ${rounds} rounds x ${requests} requests, concurrency ${concurrency} (medians)\n`);
console.log('| variant | CPU µs / request | vs none | vs sampler | req/s |');
console.log('|---|---|---|---|---|');
for (const v of variants) {
  const cpu = median(results[v].map((x) => x.cpuMicrosPerRequest));
  const rps = median(results[v].map((x) => x.reqPerSec));
  console.log(`| ${v} | ${cpu.toFixed(1)} | ${(cpu / none).toFixed(3)} | ${(cpu / base).toFixed(3)} | ${rps.toFixed(0)} |`);
}
