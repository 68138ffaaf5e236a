#!/usr/bin/env node
/**
 * CPU time of one `runWithLabels` call (ns, synchronous `fn`, 4 label sets in turn) in the setups
 * of bench/label-alloc.js: `plain`, `bridge` (label bridge on, CPU window open), `otel` (OTel's
 * AsyncLocalStorageContextManager registered) and `otel-bridge` (both). Each setup runs in a fresh
 * process: 6 rounds of `calls` calls, the first 2 discarded as warm-up, the median of the rest.
 * `DIST` selects the build to load (default dist/), so two builds can be run alternately.
 *
 *   node bench/label-scope-time.js [calls=1000000]
 * Not part of the library.
 */
'use strict';
const { execFileSync } = require('node:child_process');

const SETUPS = ['plain', 'bridge', 'otel', 'otel-bridge'];

function child(setup, calls) {
  const dist = process.env.DIST ?? `${__dirname}/../dist`;
  const { labels, runWithLabels } = require(`${dist}/src/index`);
  if (setup.startsWith('otel')) {
    const { context } = require('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  if (setup.endsWith('bridge')) {
    require(`${dist}/src/profiles`).enableLabelSampleContexts();
    require(`${dist}/src/sampler`).openCpuWindow({ hz: 100 });
  }
  const sets = ['/a', '/b', '/c', '/d'].map((r) => labels('route', r));
  let n = 0;
  const fn = () => { n++; };
  const rounds = [];
  for (let r = 0; r < 6; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) runWithLabels(sets[i & 3], fn);
    rounds.push(Number(process.hrtime.bigint() - t) / calls);
  }
  const kept = rounds.slice(2).sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ ns: (kept[1] + kept[2]) / 2, checksum: n }));
  process.exit(0);
}

if (process.argv[2] === '--child') {
  child(process.argv[3], Number(process.argv[4]));
} else {
  const calls = String(process.argv[2] ?? 1_000_000);
  const out = SETUPS.map((s) => `${s} ${JSON.parse(execFileSync(process.execPath, [__filename, '--child', s, calls], { encoding: 'utf8' })).ns.toFixed(0)}`);
  console.log(`Node ${process.versions.node}, ns per runWithLabels: ${out.join(', ')}`);
}
