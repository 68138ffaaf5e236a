#!/usr/bin/env node
/**
 * How long reading V8's CPU profile blocks the event loop, first read against later ones, with and
 * without the sampler's early read (CpuSampler's DEFAULT_EARLY_READ_MILLIS). Each run is a fresh
 * process: CPU window at 100 Hz plus the heap sampler, a busy loop of bench/workload.js units in
 * 5 ms turns, `rotate()` timed at 10 s and 20 s; the `early` variant lets the sampler read once on
 * its own at `earlyMillis`, timed through onCpuSamples. Variants alternate run by run.
 *
 *   node bench/first-read.js [runs=4] [earlyMillis=1000]
 * Not part of the library.
 */
'use strict';
const { execFileSync } = require('node:child_process');

const DIST = process.env.DIST ?? `${__dirname}/../dist`;

function child(earlyMillis) {
  const { onCpuSamples, openCpuWindow, startHeapSampler, warmUpCollections } = require(`${DIST}/src/sampler`);
  const { setCpuEarlyReadMillis } = require(`${DIST}/src/sampler/cpu-sampler`);
  require(`${DIST}/src/index`);
  const { busyTurns } = require('./workload');
  setCpuEarlyReadMillis(earlyMillis);
  const out = { earlyMillis };
  // The sampler's own read runs inside a timer: time it from the listener's view of that turn.
  let readStart = 0;
  let rotating = false;
  onCpuSamples(() => {
    if (!rotating && out.early === undefined) out.early = Number((performance.now() - readStart).toFixed(2));
  });
  const w = openCpuWindow({ hz: 100 });
  startHeapSampler({ intervalBytes: 524288 });
  warmUpCollections();
  const timed = (name) => {
    rotating = true;
    const t = performance.now();
    w.rotate();
    out[name] = Number((performance.now() - t).toFixed(2));
    rotating = false;
  };
  setTimeout(() => timed('at10s'), 10_000);
  setTimeout(() => timed('at20s'), 20_000);
  setTimeout(() => {
    w.close();
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exit(0);
  }, 20_100);
  busyTurns(() => {
    // A timer due now runs between this turn and the next: its read is timed from here.
    readStart = performance.now();
  });
}

if (process.argv[2] === '--child') {
  child(Number(process.argv[3]));
} else {
  const runs = Number(process.argv[2] ?? 4);
  const earlyMillis = Number(process.argv[3] ?? 1000);
  const results = [];
  for (let r = 0; r < runs; r++) {
    for (const early of [0, earlyMillis]) {
      const line = execFileSync(process.execPath, [__filename, '--child', String(early)], { encoding: 'utf8' });
      results.push(JSON.parse(line.trim()));
      process.stderr.write(line);
    }
  }
  const pick = (early, key) => results.filter((x) => x.earlyMillis === early && x[key] !== undefined).map((x) => x[key]).sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({
    node: process.version, runs, earlyMillis,
    without: { at10s: pick(0, 'at10s'), at20s: pick(0, 'at20s') },
    with: { early: pick(earlyMillis, 'early'), at10s: pick(earlyMillis, 'at10s'), at20s: pick(earlyMillis, 'at20s') },
  }) + '\n');
}
