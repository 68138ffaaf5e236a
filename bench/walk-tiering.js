#!/usr/bin/env node
/**
 * When V8 optimizes the native sampler's walk of its trees: reads a CPU window every PERIOD ms
 * (100 by default, as the sampler's early reads) under bench/workload.js's units, and reports the
 * nodes the walk had read by the time V8 marked `walk` for optimization, and by which tier
 * (TurboFan on Node 20; Maglev first on Node 22+). The reads' times come with it: cold and warm.
 *
 *   node scripts/build.js --allow-type-errors
 *   STACK_DEPTH=40 node bench/walk-tiering.js [reads=25]
 * DIST=<a build's dist/> for another build. Runs itself in a child with --trace-opt; prints one JSON
 * line. Not part of the library.
 */
'use strict';
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const reads = Number(process.argv[2] ?? 25);
const distDir = process.env.DIST ?? join(__dirname, '..', 'dist');

if (process.env.WALK_TIERING_CHILD !== '1') {
  const out = execFileSync(process.execPath, ['--trace-opt', __filename, String(reads)], {
    env: { ...process.env, WALK_TIERING_CHILD: '1' }, maxBuffer: 256 << 20, encoding: 'utf8',
  });
  // V8's trace and the child's lines share stdout, in order: a mark belongs to the read it came in.
  const rows = [];
  const marks = [];
  for (const line of out.split('\n')) {
    const r = /^READ (\{.*\})$/.exec(line);
    if (r) rows.push(JSON.parse(r[1]));
    const m = /^\[marking .*<JSFunction walk .*for optimization to (\w+)/.exec(line);
    if (m) marks.push({ tier: m[1], inRead: rows.length + 1 });
  }
  const firstMark = (tier) => {
    const m = marks.find((k) => k.tier === tier);
    if (m === undefined) return null;
    const row = rows[m.inRead - 1];
    return { inRead: m.inRead, nodesBefore: m.inRead > 1 ? rows[m.inRead - 2].nodesWalked : 0, nodesAfter: row ? row.nodesWalked : null };
  };
  console.log(JSON.stringify({
    node: process.versions.node, dist: distDir, stackDepth: Number(process.env.STACK_DEPTH ?? 0),
    maglev: firstMark('MAGLEV'), turbofan: firstMark('TURBOFAN'),
    reads: rows.map((r) => [r.nodesWalked, r.ms]),
  }));
  process.exit(0);
}

const dist = (p) => require(join(distDir, 'src', p));
const { nativeNodesWalked } = dist('sampler/native-cpu');
const { setCpuEarlyReadMillis } = dist('sampler/cpu-sampler');
const { openCpuWindow } = dist('sampler');
const { unitOfWork } = require('./workload');

// This bench's reads are the only ones: no early reads of the sampler's own.
setCpuEarlyReadMillis(0);
const w = openCpuWindow({ hz: 100 });
let running = true;
let unit = 0;
(async () => {
  while (running) {
    for (let j = 0; j < 50; j++) await Promise.resolve(unitOfWork(unit++));
    await new Promise((r) => setImmediate(r));
  }
})();

const period = Number(process.env.PERIOD ?? 100);
let done = 0;
const timer = setInterval(() => {
  const t = performance.now();
  w.rotate();
  const ms = Number((performance.now() - t).toFixed(2));
  done++;
  process.stdout.write(`READ ${JSON.stringify({ read: done, nodesWalked: nativeNodesWalked(), ms })}\n`);
  if (done === reads) {
    clearInterval(timer);
    running = false;
    w.close();
  }
}, period);
