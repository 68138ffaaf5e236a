#!/usr/bin/env node
/**
 * How long one collection holds the event loop: an app made of 1 ms tasks (CPU plus a few small
 * allocations, chained with setImmediate) runs 12 s per process while otelprof collects every
 * second; the longest gap between two tasks is the longest stall. Variants, each in a fresh
 * process, interleaved over ROUNDS rounds:
 *   none  no profiling (the floor: scheduling noise)
 *   core  startProfiling({ profileTypes: ['cpu', 'heap'], exporters: [] })
 *   full  startProfiling({ profileTypes: ['cpu', 'wall', 'heap'], exporters: ['file'] })
 * Reported per variant: median over runs of the longest gap after the first 2 s (the first
 * collection pays one-time costs: source-map lookups, JIT) and of the longest gap overall.
 *
 *   node scripts/build.js --allow-type-errors   # loads dist/
 *   node bench/collection-stall.js [rounds=3]
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

if (process.argv[2] === '--child') {
  const { startProfiling } = require(join(__dirname, '..', 'dist', 'src', 'index.js'));
  const [mode, dir] = process.argv.slice(3);
  const opts = { serviceName: 'stall', uploadIntervalMillis: 1000 };
  let p;
  if (mode === 'core') p = startProfiling({ ...opts, exporters: [], profileTypes: ['cpu', 'heap'] });
  if (mode === 'full') p = startProfiling({ ...opts, exporters: ['file'], fileExportDir: dir, profileTypes: ['cpu', 'wall', 'heap'] });
  const work = (ms) => {
    const end = performance.now() + ms;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    const a = [];
    for (let i = 0; i < 200; i++) a.push({ i });
    return x + a.length;
  };
  const start = performance.now();
  let last = start;
  let maxAll = 0;
  let maxAfter = 0;
  const tick = () => {
    const now = performance.now();
    const gap = now - last;
    maxAll = Math.max(maxAll, gap);
    if (now - start > 2000) maxAfter = Math.max(maxAfter, gap);
    work(1);
    last = performance.now();
    if (now - start < 12_000) setImmediate(tick);
    else Promise.resolve(p?.shutdown()).then(() => process.stdout.write(`${JSON.stringify({ maxAll, maxAfter })}\n`));
  };
  setImmediate(tick);
  return;
}

const rounds = Number(process.argv[2] ?? 3);
const variants = ['none', 'core', 'full'];
const results = Object.fromEntries(variants.map((v) => [v, []]));
for (let r = 0; r < rounds; r++) {
  for (const v of [...variants.slice(r % variants.length), ...variants.slice(0, r % variants.length)]) {
    const dir = mkdtempSync(join(tmpdir(), 'otelprof-stall-'));
    try {
      const out = execFileSync(process.execPath, [__filename, '--child', v, dir], { encoding: 'utf8' });
      results[v].push(JSON.parse(out.trim().split('\n').pop()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
console.log(`Node ${process.versions.node}, ${rounds} rounds, 12 s per run, a collection every 1 s\n`);
console.log('| variant | longest gap after 2 s, median ms (runs) | longest gap overall, median ms |');
console.log('|---|---|---|');
for (const v of variants) {
  const after = results[v].map((x) => x.maxAfter);
  console.log(`| ${v} | ${median(after).toFixed(1)} (${after.map((x) => x.toFixed(1)).join(', ')}) | ${median(results[v].map((x) => x.maxAll)).toFixed(1)} |`);
}
