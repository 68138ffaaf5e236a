#!/usr/bin/env node
/**
 * OpenTelemetry span-labels overhead: a traced HTTP workload run as `tracing` (baseline),
 * `profiling` (+ CPU sampling, no span labels) and `labels` (+ span labels), each in a fresh
 * process, interleaved for ROUNDS rounds; prints medians and ratios as a Markdown table.
 *
 *   node bench/overhead-otel.js [rounds=5] [requests=4000] [concurrency=8]
 * Run it with each Node to compare (e.g. /work/node24/bin/node bench/overhead-otel.js).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const rounds = Number(process.argv[2] ?? 5);
const requests = String(process.argv[3] ?? 4000);
const concurrency = String(process.argv[4] ?? 8);
const variants = ['tracing', 'profiling', 'labels'];
const results = Object.fromEntries(variants.map((v) => [v, []]));

for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    const out = execFileSync(
      process.execPath,
      ['-r', join(__dirname, 'overhead-otel-register.js'), join(__dirname, 'overhead-otel-app.ts'), v, requests, concurrency],
      { cwd: join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' } },
    );
    results[v].push(JSON.parse(out.trim().split('\n').pop()));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`Node ${process.versions.node}, ${rounds} rounds x ${requests} requests, concurrency ${concurrency} (medians)\n`);
// Paired ratios: each round runs every variant back to back, so dividing within a round cancels
// most of the drift a shared machine adds between rounds.
const paired = (v, ref) => results[v].map((x, i) => x.cpuMicrosPerRequest / results[ref][i].cpuMicrosPerRequest);
const fmt = (xs) => `${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
console.log('| variant | CPU µs / request | vs tracing, paired median (min-max) | vs profiling, paired median (min-max) | req/s |');
console.log('|---|---|---|---|---|');
for (const v of variants) {
  const cpu = median(results[v].map((x) => x.cpuMicrosPerRequest));
  const rps = median(results[v].map((x) => x.reqPerSec));
  const vsT = v === 'tracing' ? '1' : fmt(paired(v, 'tracing'));
  const vsP = v === 'labels' ? fmt(paired(v, 'profiling')) : v === 'profiling' ? '1' : '-';
  console.log(`| ${v} | ${cpu.toFixed(1)} | ${vsT} | ${vsP} | ${rps.toFixed(0)} |`);
}
