#!/usr/bin/env node
/**
 * Two or more builds' collection steps, side by side: runs bench/overhead-app.js's `otelprof`
 * variant (the `cpu` workload) once per build per round, the builds alternating, and records each
 * collection's synchronous steps (STEP_LOG), the sampler's own reads between collections and the
 * app's own summary (with its peak RSS and young generation). Made to compare builds on the step
 * the app's loop waits for; bench/overhead.js measures CPU and RSS against a baseline, and the peer.
 *
 *   STACK_DEPTH=40 DISTS=<a dist/ inside node_modules/otelprof>,<another> node bench/collection-steps.js [rounds=3] [units=1200000]
 * Prints one JSON line per app run. Not part of the library.
 */
'use strict';
const http = require('node:http');
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const rounds = Number(process.argv[2] ?? 3);
const units = String(process.argv[3] ?? 1200000);
const dists = (process.env.DISTS ?? '').split(',').filter(Boolean);
if (dists.length === 0) throw new Error('DISTS: comma-separated dist/ directories (each inside node_modules/otelprof)');

const sink = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end());
});

function runApp(dist, port) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'overhead-app.js'), 'cpu', 'otelprof', String(port), units],
      { env: { ...process.env, OTELPROF_DIST: dist, STEP_LOG: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`app exited with ${code}\n${err}`));
      const steps = err.split('\n').filter((l) => l.startsWith('STEP ')).map((l) => JSON.parse(l.slice(5)));
      const reads = err.split('\n').filter((l) => l.startsWith('READ ')).map((l) => JSON.parse(l.slice(5)));
      const app = JSON.parse(out.trim().split('\n').pop());
      resolve({ steps, reads, app });
    });
  });
}

(async () => {
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const port = sink.address().port;
  for (let round = 1; round <= rounds; round++) {
    for (const dist of dists) {
      const { steps, reads, app } = await runApp(dist, port);
      console.log(JSON.stringify({
        node: process.versions.node, stackDepth: Number(process.env.STACK_DEPTH ?? 0), round, dist,
        collections: steps.length,
        rotateMs: steps.map((s) => s.rotate), heapMs: steps.map((s) => s.heap), encodeMs: steps.map((s) => Math.max(s.encCpu, s.enc)),
        // The sampler's own reads of V8's profile (early reads, drains): stalls of the loop as well.
        ownReads: reads.length, ownReadMaxMs: reads.length ? Math.max(...reads.map((r) => r.ms)) : null,
        maxCollectStallAfterFirstMillis: app.maxCollectStallAfterFirstMillis, cpuMicrosPerUnit: app.cpuMicrosPerUnit,
        maxRssMB: app.maxRssMB, maxNewSpaceMB: app.maxNewSpaceMB,
      }));
    }
  }
  sink.close();
})();
