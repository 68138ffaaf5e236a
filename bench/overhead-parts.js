#!/usr/bin/env node
/**
 * The core sampler's CPU cost in parts, each scaled up until it stands out of the run-to-run
 * noise (±5-10 % per run on the `http` workload on this box, more than the whole cost at the
 * defaults), then scaled back down:
 *   sampling     otelprof-cpu at 1000 and 2000 Hz, nothing collected during the run: the cost per
 *                sample (slope) and what does not depend on the rate (intercept)
 *   heap         otelprof-heap sampling every 32 KB instead of 512 KB (16 x), nothing collected
 *   collections  otelprof at 1000 Hz collected every 1 s vs not at all: ten collections of 1000
 *                samples per 10 s instead of one (the default 10 s window at 100 Hz holds 1000)
 * Each is a paired median over rounds of (variant / same round's baseline - 1). The estimate for
 * the defaults (100 Hz, 512 KB, 10 s) is their sum; the `otelprof` variant measures it directly.
 * Assumes each part is linear in its scale (checked for sampling by the two rates).
 *
 *   node scripts/build.js --allow-type-errors
 *   node bench/overhead-parts.js [rounds=8] [workload=http] [amount]   # amount: requests or units
 *   node bench/overhead-parts.js --report <raw.json>
 * Writes the raw runs to bench/overhead-parts-<workload>-node<N>.json (OUT_JSON overrides).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { join } = require('node:path');
const { median } = require('./stats');

const VARIANTS = [
  'baseline',
  'otelprof',
  'otelprof-cpu@hz=1000:flush=0',
  'otelprof-cpu@hz=2000:flush=0',
  'otelprof-heap@heap=32768:flush=0',
  'otelprof@hz=1000:flush=0',
  'otelprof@hz=1000:flush=1000',
];

const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '-');

/** Per round: variant's CPU per unit of work over the same round's baseline, minus 1. */
function excess(results, w, v) {
  const key = w === 'cpu' ? 'cpuMicrosPerUnit' : 'cpuMicrosPerRequest';
  const base = results[`${w}/baseline`];
  return (results[`${w}/${v}`] ?? []).map((x, i) => x[key] / base[i][key] - 1);
}

function report(results, w) {
  const ex = (v) => excess(results, w, v);
  const rounds = ex('otelprof').length;
  // Per-round estimates, then medians (each round's parts come from the same few minutes).
  const perRound = Array.from({ length: rounds }, (_, i) => {
    const s1 = ex(VARIANTS[2])[i];
    const s2 = ex(VARIANTS[3])[i];
    const slopePerHz = (s2 - s1) / 1000;
    const intercept = s1 - 1000 * slopePerHz;
    const sampling = intercept + 100 * slopePerHz;
    const heap = ex(VARIANTS[4])[i] / 16;
    const collections = (ex(VARIANTS[6])[i] - ex(VARIANTS[5])[i]) / 10;
    return { slopePerHz, intercept, sampling, heap, collections, sum: sampling + heap + collections, direct: ex('otelprof')[i] };
  });
  const m = (k) => median(perRound.map((r) => r[k]));
  const range = (k) => {
    const xs = perRound.map((r) => r[k]).filter(Number.isFinite);
    return `${pct(Math.min(...xs))} to ${pct(Math.max(...xs))}`;
  };
  const thread = (v, name) => median((results[`${w}/${v}`] ?? []).map((x) => ((x.threadCpuMillis ?? {})[name] ?? 0) / (x.wallMillis / 1000)));
  const lines = [
    `| part, scaled to the defaults | CPU over baseline, median of ${rounds} rounds | per-round range |`,
    '|---|---|---|',
    `| sampling at 100 Hz: intercept + 100 x slope | ${pct(m('sampling'))} | ${range('sampling')} |`,
    `|   of which per sample (slope x 100 Hz) | ${pct(m('slopePerHz') * 100)} | ${range('slopePerHz')} (per Hz) |`,
    `|   of which rate-independent (intercept) | ${pct(m('intercept'))} | ${range('intercept')} |`,
    `| heap sampling at 512 KB (32 KB run / 16) | ${pct(m('heap'))} | ${range('heap')} |`,
    `| one 10 s collection per 10 s ((1 s - none) / 10) | ${pct(m('collections'))} | ${range('collections')} |`,
    `| **sum** | **${pct(m('sum'))}** | ${range('sum')} |`,
    `| \`otelprof\` measured directly (for comparison) | ${pct(m('direct'))} | ${range('direct')} |`,
    '',
    '| variant | CPU over baseline, paired median | V8 profiler thread (v8:ProfEvntProc) ms per s |',
    '|---|---|---|',
    ...VARIANTS.slice(1).map((v) => `| ${v} | ${pct(median(ex(v)))} | ${thread(v, 'v8:ProfEvntProc').toFixed(1)} |`),
  ];
  return lines.join('\n');
}

if (process.argv[2] === '--report') {
  const results = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const w = Object.keys(results)[0].split('/')[0];
  console.log(report(results, w));
  process.exit(0);
}

const rounds = process.argv[2] ?? '8';
const w = process.argv[3] ?? 'http';
const amount = process.argv[4] ?? (w === 'http' ? '240000' : '400000');
const out = process.env.OUT_JSON ?? join(__dirname, `overhead-parts-${w}-node${process.versions.node.split('.')[0]}.json`);
const env = { ...process.env, WORKLOADS: w, OUT_JSON: out, [w === 'http' ? 'HTTP_VARIANTS' : 'CPU_VARIANTS']: VARIANTS.join(',') };
const args = w === 'http' ? [rounds, '1', amount] : [rounds, amount, '1'];
const table = execFileSync(process.execPath, [join(__dirname, 'overhead.js'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
console.log(table);
console.log(report(JSON.parse(fs.readFileSync(out, 'utf8')), w));
