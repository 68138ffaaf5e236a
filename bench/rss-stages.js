#!/usr/bin/env node
/**
 * Where the core sampler's RSS goes: one process runs the `cpu` workload (bench/workload.js) and
 * adds otelprof's parts one stage at a time, measuring RSS (anonymous / file-backed), the JS heap
 * and memory outside it after each stage has run under the workload for STAGE_SECONDS. Stages:
 *   baseline   the workload alone
 *   otelapi    (OTEL_STAGE=1) + `@opentelemetry/api`, as a traced service has it loaded already
 *   loaded     + `require('otelprof')` and the modules the core sampler's collection loads (sampler,
 *              pprof, the HTTP transport)
 *   cpu        + the CPU sampler at 100 Hz, never read
 *   heap       + the heap sampler (512 KiB), never read
 *   collect    + a collection every 10 s as the scheduler runs it (rotate, heap read, build, encode, gzip; no upload)
 *              (SPLIT_COLLECT=1: first `read`, only rotate and heap read, then `build`, without encode and gzip)
 * The young generation is fixed for the whole run (the parent starts the child with
 * --min/--max-semi-space-size), so its growth, which V8 times by survived bytes since start, does
 * not land in one stage or another by chance. Loads otelprof as an app does, from a node_modules copy
 * of dist/ (bench/installed-copy.js; `node scripts/build.js` first).
 *
 *   node bench/rss-stages.js [runs=3]        prints one Markdown table (median over runs) and the runs
 * Not part of the library.
 */
'use strict';
const fs = require('node:fs');
// Every service has it (the overhead bench's baseline too); not counted as otelprof's.
require('node:http');
const { execFileSync } = require('node:child_process');
const { unitOfWork } = require('./workload');
const { installedCopy } = require('./installed-copy');
const { rssSplitMB } = require('./proc-mem');
const { median } = require('./stats');

// SPLIT_COLLECT=1 adds `read` (rotate and heap read only) and `build` (+ the builds) before `collect`.
const STAGES = ['baseline', ...(process.env.OTEL_STAGE === '1' ? ['otelapi'] : []), 'loaded', 'cpu', 'heap', ...(process.env.SPLIT_COLLECT === '1' ? ['read', 'build'] : []), 'collect'];
/** How much of a collection each collecting stage runs: rotate + heap read, + builds, + encode and gzip. */
const COLLECT_STEPS = { read: 1, build: 2, collect: 3 };
const STAGE_SECONDS = Number(process.env.STAGE_SECONDS ?? 20);
const SEMI_SPACE_MB = 4;

/** Runs the workload for `seconds`, yielding to the loop as overhead-app does; returns peak RSS parts and the heap at the end. */
async function runStage(seconds) {
  const peak = { anon: 0, file: 0 };
  const sample = () => {
    const r = rssSplitMB();
    peak.anon = Math.max(peak.anon, r.anon);
    peak.file = Math.max(peak.file, r.file);
  };
  const timer = setInterval(sample, 250);
  const end = Date.now() + seconds * 1000;
  let acc = 0;
  for (let i = 0; Date.now() < end; i++) {
    acc += unitOfWork(i);
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  clearInterval(timer);
  sample();
  const mem = process.memoryUsage();
  return {
    anonMB: peak.anon, fileMB: peak.file, heapTotalMB: mem.heapTotal / 2 ** 20, heapUsedMB: mem.heapUsed / 2 ** 20,
    externalMB: mem.external / 2 ** 20, checksum: acc > 0 ? 1 : 0,
  };
}

async function child() {
  const DIST = process.env.OTELPROF_DIST;
  const dist = (p) => require(`${DIST}/src/${p}`);
  const out = {};
  let mods;
  let window;
  let timer;
  for (const stage of STAGES) {
    if (stage === 'baseline') {
      // The workload alone.
    } else if (stage === 'otelapi') {
      require(require.resolve('@opentelemetry/api', { paths: [DIST] }));
    } else if (stage === 'loaded') {
      // require('otelprof') as an app does (since the eighth pass), then the internals used below.
      dist('index');
      mods = { ...dist('sampler'), ...dist('pprof') };
      require(`${DIST}/exporters/shared`);
    } else if (stage === 'cpu') {
      window = mods.openCpuWindow({ hz: 100 });
    } else if (stage === 'heap') {
      mods.startHeapSampler({ intervalBytes: 524288 });
    } else if (stage in COLLECT_STEPS) {
      // read / build / collect: each replaces the previous stage's 10 s collection with a longer one.
      if (stage === STAGES[STAGES.indexOf('heap') + 1]) mods.warmUpCollections();
      const steps = COLLECT_STEPS[stage];
      const collect = async () => {
        const raw = window.rotate();
        await mods.yieldToEventLoop();
        const snap = mods.takeHeapSnapshot();
        if (steps < 2) return;
        const cpu = await mods.buildCpuProfile(raw, 'cpu');
        const heap = await mods.buildHeapProfile(snap, 'heap');
        if (steps < 3) return;
        await mods.gzip(mods.encode(cpu));
        await mods.gzip(mods.encode(heap));
      };
      clearInterval(timer);
      timer = setInterval(() => { collect().catch((e) => process.stderr.write(`${e.stack}\n`)); }, 10_000);
      timer.unref();
    } else {
      // A catch-all branch once ran the collection from the baseline stage on (fixed in the eighth pass).
      throw new Error(`unknown stage ${stage}`);
    }
    out[stage] = await runStage(STAGE_SECONDS);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

function parent() {
  const runs = Number(process.argv[2] ?? 3);
  const dist = installedCopy();
  const results = [];
  for (let r = 0; r < runs; r++) {
    const line = execFileSync(process.execPath, [`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, __filename, '--child'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OTELPROF_DIST: dist } });
    results.push(JSON.parse(line));
    process.stderr.write(`run ${r + 1}/${runs}: ${line}`);
  }
  const m = (stage, k) => median(results.map((x) => x[stage][k]));
  const rows = [
    `Node ${process.versions.node}, ${STAGE_SECONDS} s per stage, semi-space fixed at ${SEMI_SPACE_MB} MB, median of ${runs} processes (MB; "+" = over the previous stage)`,
    '',
    '| stage | RSS anonymous | + | RSS file-backed | + | JS heap total | + | JS heap used | + | external | + |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  let prev;
  for (const s of STAGES) {
    const cells = ['anonMB', 'fileMB', 'heapTotalMB', 'heapUsedMB', 'externalMB'].map((k) => {
      const v = m(s, k);
      const d = prev === undefined ? '' : (v - m(prev, k) >= 0 ? '+' : '') + (v - m(prev, k)).toFixed(1);
      return `${v.toFixed(1)} | ${d}`;
    });
    rows.push(`| ${s} | ${cells.join(' | ')} |`);
    prev = s;
  }
  const total = (k) => (m('collect', k) - m('baseline', k)).toFixed(1);
  rows.push('', `All stages over baseline: anonymous +${total('anonMB')}, file-backed +${total('fileMB')} MB.`);
  process.stdout.write(`${rows.join('\n')}\n`);
  if (process.env.OUT_JSON) fs.writeFileSync(process.env.OUT_JSON, `${JSON.stringify({ node: process.versions.node, stageSeconds: STAGE_SECONDS, results }, null, 1)}\n`);
}

if (process.argv[2] === '--child') child();
else parent();
