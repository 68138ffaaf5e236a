#!/usr/bin/env node
/**
 * Memory outside the JS heap of bench/overhead.js apps, per minute of age: the anonymous RSS that
 * bench/rss-timeline.js read from procfs minus the heap's committed size in the app's own
 * `--trace-gc-nvp` output (`end_memory_size` of the last GC before the reading; Node 24's trace
 * has it, Node 20's does not). Committed pages not yet touched count as heap here, so this is a
 * lower bound of what lies outside.
 *
 *   node bench/outside-heap-minutes.js timeline.jsonl <app trace: cpu-<variant>-<pid>.txt> ...
 * Not part of the library.
 */
'use strict';
const fs = require('node:fs');
const { gcEvents } = require('./gc-survivors');

const [timeline, ...traces] = process.argv.slice(2);
const rows = fs.readFileSync(timeline, 'utf8').trim().split('\n').map(JSON.parse);
for (const tr of traces) {
  const pid = Number(/-(\d+)\.txt$/.exec(tr)[1]);
  const gcs = [...gcEvents(fs.readFileSync(tr, 'utf8'))]
    .filter((e) => e.mark === undefined && e.field('end_memory_size') > 0)
    .map((e) => ({ t: e.ms / 1000, mem: e.field('end_memory_size') / 1048576 }));
  const mine = rows.filter((r) => r.pid === pid);
  const out = [];
  for (const r of mine) {
    if (r.ageSeconds % 60 >= 15 || r.ageSeconds < 60) continue;
    const before = gcs.filter((g) => g.t <= r.ageSeconds).pop();
    if (!before) continue;
    out.push(`${Math.round(r.ageSeconds / 60)}m ${(r.anonMB - before.mem).toFixed(1)}`);
  }
  console.log(`${mine[0]?.variant ?? pid}`.padEnd(14), out.join(', '));
}
