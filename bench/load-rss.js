#!/usr/bin/env node
/**
 * Max RSS of a process that loads otelprof and runs the core sampler without any HTTP server of its
 * own (a worker, a queue consumer): loads the package index, opens a 100 Hz CPU window, starts the
 * heap sampler, loads the exporters' transport, then runs bench/workload.js units in 5 ms turns for
 * 6 s. Compares builds: each DIST directory in turn, `runs` times, alternating.
 *
 *   node bench/load-rss.js <runs> <distDir> [<distDir> ...]
 * Not part of the library.
 */
'use strict';
const { execFileSync } = require('node:child_process');

function child(dist) {
  const { busyTurns } = require('./workload');
  require(`${dist}/src/index`);
  const sampler = require(`${dist}/src/sampler`);
  sampler.openCpuWindow({ hz: 100 });
  sampler.startHeapSampler({ intervalBytes: 524288 });
  require(`${dist}/exporters/shared`);
  let maxRss = 0;
  const t0 = Date.now();
  busyTurns(() => {
    maxRss = Math.max(maxRss, process.memoryUsage.rss());
    if (Date.now() - t0 < 6000) return true;
    process.stdout.write(`${(maxRss / 1048576).toFixed(1)}\n`);
    return false;
  });
}

if (process.argv[2] === '--child') {
  child(process.argv[3]);
} else {
  const runs = Number(process.argv[2]);
  const dists = process.argv.slice(3);
  const rss = new Map(dists.map((d) => [d, []]));
  for (let r = 0; r < runs; r++) {
    for (const d of dists) rss.get(d).push(Number(execFileSync(process.execPath, [__filename, '--child', d], { encoding: 'utf8' }).trim()));
  }
  process.stdout.write(`${process.version}\n`);
  for (const [d, v] of rss) process.stdout.write(`${d}: ${v.sort((a, b) => a - b).join(' ')} MB\n`);
}
