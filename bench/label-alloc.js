#!/usr/bin/env node
/**
 * JS heap bytes one `runWithLabels` call allocates, in four setups: `plain` (no profiler, no OTel
 * context manager), `bridge` (the label bridge on and a CPU window open, as `startProfiling()` runs
 * it), `otel` (OTel's AsyncLocalStorageContextManager registered, as a traced service has it) and
 * `otel-bridge` (both). Each setup runs in a fresh process whose young generation is large enough
 * (128 MB semi-spaces) that no GC runs while the calls are counted; a run where one did is reported
 * as such instead of a figure. Loads dist/ (`node scripts/build.js` first).
 *
 *   node bench/label-alloc.js [calls=10000]
 * Why it matters: the full pipeline's extra RSS is mostly V8's young generation, grown to the
 * allocation rate of the label contexts (bench/RESULTS.md, eighth pass). Not part of the library.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const v8 = require('node:v8');

const SETUPS = ['plain', 'bridge', 'otel', 'otel-bridge'];

function child(setup, calls) {
  const dist = `${__dirname}/../dist`;
  const otelprof = require(`${dist}/src/index`);
  if (setup.startsWith('otel')) {
    const { context } = require('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  if (setup.endsWith('bridge')) {
    require(`${dist}/src/profiles`).enableLabelSampleContexts();
    require(`${dist}/src/sampler`).openCpuWindow({ hz: 100 });
  }
  // Label sets made per call, as a request handler does (`labels('route', ...)` each time).
  const fn = () => 1;
  const run = (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += otelprof.runWithLabels(otelprof.labels('unit', String(i % 8)), fn);
    return acc;
  };
  run(20_000); // warm-up: compiled code, interned label contents
  globalThis.gc();
  globalThis.gc();
  const before = v8.getHeapStatistics().used_heap_size;
  run(calls);
  const after = v8.getHeapStatistics().used_heap_size;
  // used_heap_size only grows between GCs; a drop means one ran and the difference is meaningless.
  process.stdout.write(`${JSON.stringify({ node: process.version, setup, bytesPerCall: after >= before ? (after - before) / calls : null })}\n`);
  process.exit(0);
}

function parent() {
  const calls = Number(process.argv[2] ?? 10_000);
  const rows = [`Node ${process.version}, ${calls} calls per setup, bytes of JS heap allocated per runWithLabels call`, '', '| setup | bytes / call |', '|---|---|'];
  for (const setup of SETUPS) {
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128', __filename, '--child', setup, String(calls)], { encoding: 'utf8' }));
    rows.push(`| ${setup} | ${out.bytesPerCall === null ? 'a GC ran: no figure' : Math.round(out.bytesPerCall)} |`);
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

if (process.argv[2] === '--child') child(process.argv[3], Number(process.argv[4]));
else parent();
