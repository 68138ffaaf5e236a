#!/usr/bin/env node
/**
 * How many samples the inspector sampler gives the wrong labels next to context switches. It
 * attributes each sample to the context recorded at the sample's time, so the recorded times must
 * be on V8's clock to the microsecond (until the twenty-second pass they ran 2-27 us early, and
 * this bench measured that). The workload is
 * test/sampler/fixtures/early-labels.js: a worker labelled worker=early burns 4 ms per round; with
 * EARLY_LABELS_POLL_MS the unlabelled main task wakes up between rounds (a context switch every
 * few ms), without it the worker wakes the main task once per profile. Every sample with the
 * worker on its stack should carry the label; the unlabelled share is the attribution error.
 * `hogs` busy processes run alongside (2 on a 2-core machine: overloaded).
 *
 *   node bench/inspector-label-precision.js [runs=12] [pollMs=5] [hogs=0]
 * Not part of the library.
 */
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { join } = require('node:path');

const runs = Number(process.argv[2] ?? 12);
const pollMs = Number(process.argv[3] ?? 5);
const hogCount = Number(process.argv[4] ?? 0);
const fixture = join(__dirname, '..', 'test', 'sampler', 'fixtures', 'early-labels.js');

const hogs = Array.from({ length: hogCount }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
let total = 0;
let unlabelled = 0;
const perRun = [];
try {
  for (let i = 0; i < runs; i++) {
    const env = { ...process.env, OTELPROF_SAMPLER: 'inspector', EARLY_LABELS_OTEL: String(i % 2), EARLY_LABELS_POLL_MS: String(pollMs) };
    const out = execFileSync(process.execPath, [fixture], { env, encoding: 'utf8' });
    const profiles = JSON.parse(out.trim().split('\n').pop());
    let t = 0;
    let u = 0;
    for (const c of Object.values(profiles)) {
      t += c.total;
      u += c.total - c.labelled;
    }
    total += t;
    unlabelled += u;
    perRun.push(u);
  }
} finally {
  for (const h of hogs) h.kill();
}
const result = { node: process.version, runs, pollMs, hogs: hogCount, workerSamples: total, unlabelled, unlabelledPercent: Number((100 * unlabelled / total).toFixed(2)), unlabelledPerRun: perRun };
process.stdout.write(JSON.stringify(result) + '\n');
