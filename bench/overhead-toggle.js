#!/usr/bin/env node
/**
 * The core sampler's CPU cost measured inside one process, switching it on and off every few
 * seconds under a steady load: each pair of adjacent phases (one with CPU 100 Hz + heap sampling,
 * one without) runs within seconds on the same warm process, so the box's slow drifts, which
 * swing separate runs by 5-10 % here (bench/overhead.js), fall on both halves of a pair alike.
 * The order inside a pair alternates; the first `settle` ms of each phase are not measured (V8's
 * profiler start logs all existing code once; not part of the steady cost).
 *
 * Then one collection's own CPU: a 10 s window (100 Hz) and a heap snapshot taken under the same
 * load, built, encoded and gzipped after the load stops, in the idle process, so process CPU time
 * counts only that work. A collection every 10 s costs that much per 10 s of the app.
 *
 *   node scripts/build.js --allow-type-errors
 *   node bench/overhead-toggle.js [workload=http|cpu] [pairs=40] [phaseMillis=3000] [settleMillis=500] [rate=0]
 * rate: for `http`, requests per second of an open-loop load (0: closed loop, 16 connections).
 * TOGGLE_WITH=peer switches the samplers of @pyroscope/nodejs instead, as it configures them (its
 * @datadog/pprof: wall 100 Hz with contexts and CPU time, heap 512 KB, depth 64); no collection.
 *   node bench/overhead-toggle.js --report <raw.json>...   # pools the pairs of saved runs
 * Prints Markdown; writes the raw phases to bench/overhead-toggle-<workload>-node<N>.json
 * (OUT_JSON overrides). Not part of the library.
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const { join } = require('node:path');
const { installedCopy } = require('./installed-copy');

const { median, medianCI, quantile } = require('./stats');
const { unitOfWork } = require('./workload');

const pct = (r) => `${((r - 1) * 100).toFixed(2)} %`;
const pairRatios = (phases) => phases.map(([on, off]) => on.cpuPerWork / off.cpuPerWork);

if (process.argv[2] === '--report') {
  // Pools the pairs of several saved runs (same workload and Node): node bench/overhead-toggle.js --report a.json b.json
  const runs = process.argv.slice(3).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const ratios = runs.flatMap((r) => pairRatios(r.phases));
  // The peer's runs have no collection figure (saved as null).
  const colls = runs.filter((r) => typeof r.collection.cpuMillis === 'number').map((r) => r.collection.cpuMillis / (10_000 * r.appCpuPerSecond));
  console.log(`${runs.length} runs, ${ratios.length} pairs: sampling ${pct(median(ratios))} (95 % CI ${medianCI(ratios).map(pct).join(' to ')}; ` +
    `quartiles ${pct(quantile(ratios, 0.25))} to ${pct(quantile(ratios, 0.75))})` +
    `${colls.length ? `; one collection per 10 s ${colls.map((c) => `${(c * 100).toFixed(2)} %`).join(', ')}` : ''}`);
  process.exit(0);
}

const workload = process.argv[2] ?? 'http';
const pairs = Number(process.argv[3] ?? 40);
const phaseMillis = Number(process.argv[4] ?? 3000);
const settleMillis = Number(process.argv[5] ?? 500);
const rate = Number(process.argv[6] ?? 0);
if (!['http', 'cpu'].includes(workload)) throw new Error(`workload must be http or cpu (actual: ${workload})`);

const DIST = installedCopy();
const dist = (p) => require(`${DIST}/src/${p}`);
const { openCpuWindow, startHeapSampler, stopHeapSampler, takeHeapSnapshot, buildCpuProfile, buildHeapProfile, warmUpCollections } = dist('sampler');
const { encode, gzip } = dist('pprof');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

let done = 0; // units or requests completed
let running = true;

/** `cpu`: units in batches of 50 with a turn of the event loop between (timers must run). */
async function cpuLoad() {
  while (running) {
    for (let j = 0; j < 50; j++) unitOfWork(done++);
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * `http`: the server of bench/overhead-app.js, loaded by bench/overhead-load-raw.js (closed loop,
 * 16 connections) or, with `rate`, by bench/overhead-load.js (open loop).
 */
async function httpLoad() {
  const server = http.createServer((req, res) => {
    if (req.url !== '/work') {
      res.end('ok');
      return;
    }
    (async () => {
      const v = unitOfWork(done);
      await new Promise((r) => setImmediate(r));
      done++;
      res.end(String(v));
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  // More requests than the run can serve; the loader is killed at the end.
  const port = String(server.address().port);
  const args = rate > 0 ? ['overhead-load.js', port, '1000000000', '16', String(rate)] : ['overhead-load-raw.js', port, '16'];
  const loader = spawn(process.execPath, [join(__dirname, args[0]), ...args.slice(1)], { stdio: 'ignore' });
  return () => {
    loader.kill();
    server.close();
    server.closeAllConnections?.();
  };
}

const PEER = process.env.TOGGLE_WITH === 'peer';
// The peer's own copy of @datadog/pprof (it pins another version than otelprof).
const ddPprof = PEER ? require(require.resolve('@datadog/pprof', { paths: [require.resolve('@pyroscope/nodejs')] })) : undefined;

let window;
function profilingOn() {
  if (PEER) {
    ddPprof.time.start({ durationMillis: 10_000, intervalMicros: 10_000, withContexts: true, workaroundV8Bug: true, collectCpuTime: true });
    ddPprof.heap.start(512 * 1024, 64);
    return;
  }
  window = openCpuWindow({ hz: 100 });
  startHeapSampler();
}
function profilingOff() {
  if (PEER) {
    ddPprof.time.stop(false);
    ddPprof.heap.stop();
    return;
  }
  window.close();
  window = undefined;
  stopHeapSampler();
}

/** Runs one phase; returns CPU µs per unit of work over its measured part. */
async function phase(on) {
  if (on) profilingOn();
  await sleep(settleMillis);
  const c0 = cpuMicros();
  const d0 = done;
  await sleep(phaseMillis - settleMillis);
  const cpu = cpuMicros() - c0;
  const work = done - d0;
  if (on) profilingOff();
  return { on, cpuMicros: cpu, work, cpuPerWork: cpu / work };
}

/** CPU ms of one collection of a 10 s window and a heap snapshot, taken under load, built idle. */
async function oneCollection(stopLoad) {
  const w = openCpuWindow({ hz: 100 });
  startHeapSampler();
  await sleep(10_000);
  const raw = w.rotate();
  const snap = takeHeapSnapshot();
  w.close();
  stopHeapSampler();
  stopLoad();
  await sleep(500);
  const c0 = cpuMicros();
  for (const build of [() => buildCpuProfile(raw, 'cpu'), () => buildHeapProfile(snap, 'heap')]) {
    await gzip(encode(await build()));
  }
  return { cpuMillis: (cpuMicros() - c0) / 1000, cpuSamples: raw.samples.length, heapRecords: snap.records.length };
}

(async () => {
  const t0 = Date.now();
  warmUpCollections();
  let stopLoad = () => undefined;
  if (workload === 'cpu') cpuLoad();
  else stopLoad = await httpLoad();
  await sleep(10_000); // JIT warm-up of the app under load
  const phases = [];
  for (let i = 0; i < pairs; i++) {
    const onFirst = i % 2 === 0;
    const a = await phase(onFirst);
    const b = await phase(!onFirst);
    phases.push(onFirst ? [a, b] : [b, a]);
    process.stderr.write(`pair ${i + 1}/${pairs}: on ${a.on ? a.cpuPerWork.toFixed(2) : b.cpuPerWork.toFixed(2)} off ${a.on ? b.cpuPerWork.toFixed(2) : a.cpuPerWork.toFixed(2)} µs per unit\n`);
  }
  const stopAll = () => {
    running = false;
    stopLoad();
  };
  // The peer's collection is not measured here (bench/overhead.js times its stalls).
  const coll = PEER ? (stopAll(), { cpuMillis: NaN, cpuSamples: 0, heapRecords: 0 }) : await oneCollection(stopAll);
  const appCpuPerSecond = median(phases.map(([, off]) => off.cpuMicros / ((phaseMillis - settleMillis) * 1000)));
  const ratios = pairRatios(phases);
  const collPct = coll.cpuMillis / (10_000 * appCpuPerSecond);
  console.log([
    `Node ${process.versions.node}, ${os.cpus().length} CPUs, ${new Date().toISOString()}, ${((Date.now() - t0) / 60000).toFixed(1)} min; ` +
      `${PEER ? '@pyroscope/nodejs samplers; ' : ''}${workload} workload${workload === 'http' ? (rate > 0 ? ` (open loop, ${rate} requests/s)` : ' (closed loop, 16 connections, raw-socket loader)') : ''}, ${pairs} pairs of ${phaseMillis} ms phases (first ${settleMillis} ms of each not measured); the app used ${appCpuPerSecond.toFixed(2)} CPU cores.`,
    '',
    '| what | CPU over the same process without profiling |',
    '|---|---|',
    `| sampling (${PEER ? 'wall 100 Hz with CPU time' : 'CPU 100 Hz'} + heap 512 KB), median of ${pairs} pairs | ${pct(median(ratios))} (95 % CI ${medianCI(ratios).map(pct).join(' to ')}; quartiles ${pct(quantile(ratios, 0.25))} to ${pct(quantile(ratios, 0.75))}) |`,
    ...(PEER ? [] : [
      `| one collection per 10 s (${coll.cpuSamples} samples, ${coll.heapRecords} heap stacks: build, encode, gzip; ${coll.cpuMillis.toFixed(1)} ms CPU) | ${(collPct * 100).toFixed(2)} % |`,
      `| **sum** | **${pct(median(ratios) + collPct)}** |`,
    ]),
  ].join('\n'));
  const out = process.env.OUT_JSON ?? join(__dirname, `overhead-toggle-${PEER ? 'peer-' : ''}${workload}-node${process.versions.node.split('.')[0]}.json`);
  fs.writeFileSync(out, `${JSON.stringify({ node: process.versions.node, peer: PEER, workload, phaseMillis, settleMillis, appCpuPerSecond, collection: coll, phases }, null, 1)}\n`);
  process.exit(0);
})().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
