#!/usr/bin/env node
/**
 * What loading otelprof costs in RSS, before it does anything: fresh processes that already hold
 * `node:http` (every service has it) require one entry point and report RSS (anonymous /
 * file-backed, after two full GCs) over what they held before, and which Node built-in modules and
 * how many files came with it. Loads otelprof as an app does, from a node_modules copy of dist/
 * (bench/installed-copy.js; `node scripts/build.js` first).
 *
 *   node bench/load-cost.js [runs=5]
 * Entry points: `otelprof` (the package index) and `core sampler` (the modules the core sampler's
 * collection uses: src/sampler, src/pprof, exporters/shared), each into three processes: a bare
 * one, one with `@opentelemetry/api` loaded (a traced service has it), and one that has also
 * loaded express and fastify (what an app with a web framework has touched before otelprof: much
 * of a bare process's cost is Node and V8 code run for the first time, not otelprof's).
 * Not part of the library.
 */
'use strict';
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { installedCopy } = require('./installed-copy');
const { rssSplitMB } = require('./proc-mem');
const { median } = require('./stats');

/** What each process has loaded before otelprof, besides node:http. */
const PRELOADS = {
  'node:http only': [],
  '+ @opentelemetry/api': ['@opentelemetry/api'],
  '+ @opentelemetry/api, express, fastify': ['@opentelemetry/api', 'express', 'fastify'],
};

/** Files each entry point requires, under dist/. */
const ENTRIES = {
  otelprof: ['src/index'],
  'core sampler': ['src/sampler', 'src/pprof', 'exporters/shared'],
};

/** The RSS split after two full GCs, so garbage of the loading does not count. */
function rssAfterGcMB() {
  globalThis.gc();
  globalThis.gc();
  return rssSplitMB();
}

function child(entry, preload) {
  require('node:http');
  for (const m of PRELOADS[preload]) require(m);
  const builtinsBefore = new Set(process.moduleLoadList);
  const filesBefore = new Set(Object.keys(require.cache));
  const before = rssAfterGcMB();
  for (const file of ENTRIES[entry]) require(`${process.env.OTELPROF_DIST}/${file}`);
  const after = rssAfterGcMB();
  const builtins = process.moduleLoadList.filter((m) => !builtinsBefore.has(m) && m.startsWith('NativeModule '))
    .map((m) => m.slice('NativeModule '.length)).filter((m) => !m.startsWith('internal/'));
  const files = Object.keys(require.cache).filter((f) => !filesBefore.has(f));
  process.stdout.write(`${JSON.stringify({
    anonMB: after.anon - before.anon, fileMB: after.file - before.file, builtins,
    ownFiles: files.filter((f) => f.startsWith(process.env.OTELPROF_DIST)).length,
    dependencyFiles: files.filter((f) => !f.startsWith(process.env.OTELPROF_DIST)).length,
  })}\n`);
}

function parent() {
  const runs = Number(process.argv[2] ?? 5);
  const dist = installedCopy();
  const rows = [
    `Node ${process.versions.node}, median of ${runs} fresh processes each (MB over a process holding node:http)`,
    '',
    '| entry point | loaded before | RSS anonymous | RSS file-backed | total | own files | dependency files | public built-ins loaded |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const out = [];
  for (const entry of Object.keys(ENTRIES)) {
    for (const preload of Object.keys(PRELOADS)) {
      const results = [];
      for (let r = 0; r < runs; r++) {
        results.push(JSON.parse(execFileSync(process.execPath, ['--expose-gc', __filename, '--child', entry, preload],
          { encoding: 'utf8', env: { ...process.env, OTELPROF_DIST: dist } })));
      }
      const m = (k) => median(results.map((x) => x[k]));
      rows.push(`| ${entry} | ${preload} | ${m('anonMB').toFixed(1)} | ${m('fileMB').toFixed(1)} | ${(m('anonMB') + m('fileMB')).toFixed(1)} | ${results[0].ownFiles} | ${results[0].dependencyFiles} | ${results[0].builtins.join(' ') || '-'} |`);
      out.push({ entry, preload, results });
    }
  }
  process.stdout.write(`${rows.join('\n')}\n`);
  if (process.env.OUT_JSON) fs.writeFileSync(process.env.OUT_JSON, `${JSON.stringify({ node: process.versions.node, out }, null, 1)}\n`);
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4]);
else parent();
