#!/usr/bin/env node
/**
 * The core sampler's CPU cost measured inside one process, switching it on and off every few
 * seconds under a steady load: each pair of adjacent phases (one with CPU 100 Hz + heap sampling,
 * one without) runs within seconds on the same warm process, so the box's slow drifts, which
 * swing separate runs by 5-10 % here (bench/overhead.js), fall on both halves of a pair alike.
 * The order inside a pair alternates; the first `settle` ms of each phase are not measured (V8's
 * profiler start logs all existing code once; not part of the steady cost).
 *
 * Then one collection's own CPU per collecting variant (`otelprof`, `peer`): a 10 s window
 * (100 Hz) and a heap profile taken under the same load; the synchronous read timed under the
 * load, building, encoding and gzipping after the load stops, in the idle process, so process CPU
 * time counts only that work. A collection every 10 s costs that much per 10 s of the app.
 *
 *   node scripts/build.js --allow-type-errors
 *   node bench/overhead-toggle.js [workload=http|cpu] [rounds=40] [phaseMillis=3000] [settleMillis=500] [rate=0]
 * rate: for `http`, requests per second of an open-loop load (0: closed loop, 16 connections).
 * TOGGLE_WITH picks what is switched (see VARIANTS below): `otelprof` (default), `peer` (the
 * samplers of @pyroscope/nodejs as it configures them), `addon:k=v,...` (otelprof's addon with
 * other settings), or several separated by `;`, measured round by round in the same process.
 *   node bench/overhead-toggle.js --report <raw.json>...   # pools the rounds of saved runs
 * Prints Markdown; writes the raw phases to bench/overhead-toggle-[peer-|variants-]<workload>-node<N>.json
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
  // Pools the rounds of several saved runs (same workload and Node), per variant:
  // node bench/overhead-toggle.js --report a.json b.json
  const runs = process.argv.slice(3).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const byVariant = new Map(); // name -> per run, [on, off][] (rounds line up within a run)
  for (const r of runs) {
    const entries = r.phasesByVariant ? r.variants.map((v, k) => [v, r.phasesByVariant[k]]) : [[r.variant ?? (r.peer ? 'peer' : 'otelprof'), r.phases]];
    for (const [v, ph] of entries) byVariant.set(v, [...(byVariant.get(v) ?? []), ph]);
  }
  const describe = (xs) => `${pct(median(xs))} (95 % CI ${medianCI(xs).map(pct).join(' to ')}; quartiles ${pct(quantile(xs, 0.25))} to ${pct(quantile(xs, 0.75))})`;
  for (const [v, perRun] of byVariant) {
    const ratios = perRun.flatMap(pairRatios);
    console.log(`${v}: ${perRun.length} runs, ${ratios.length} pairs: sampling ${describe(ratios)}`);
  }
  // Paired differences where runs measured several variants round by round.
  const multi = runs.filter((r) => r.phasesByVariant);
  if (multi.length > 0) {
    const first = multi[0].variants[0];
    const others = [...new Set(multi.flatMap((r) => r.variants))].filter((v) => v !== first);
    for (const v of others) {
      const d = multi.filter((r) => r.variants.includes(first) && r.variants.includes(v)).flatMap((r) => {
        const a = pairRatios(r.phasesByVariant[r.variants.indexOf(first)]);
        return pairRatios(r.phasesByVariant[r.variants.indexOf(v)]).map((x, i) => 1 + x - a[i]);
      });
      console.log(`${v} minus ${first}, paired by round: ${d.length} rounds: ${describe(d)}`);
    }
  }
  // One collection's CPU per 10 s of the app, by variant (the peer's earlier runs saved none).
  const colls = new Map();
  for (const r of runs) {
    const entries = r.collections ? Object.entries(r.collections) : [[r.variant ?? (r.peer ? 'peer' : 'otelprof'), r.collection]];
    for (const [v, c] of entries) {
      if (typeof c?.cpuMillis === 'number') colls.set(v, [...(colls.get(v) ?? []), c.cpuMillis / (10_000 * r.appCpuPerSecond)]);
    }
  }
  for (const [v, cs] of colls) console.log(`${v}: one collection per 10 s ${cs.map((c) => `${(c * 100).toFixed(2)} %`).join(', ')}`);
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

/**
 * What is switched on and off: `TOGGLE_WITH`, a `;`-separated list of variants (default `otelprof`):
 * - `otelprof`: the core sampler (openCpuWindow at 100 Hz + startHeapSampler);
 * - `peer`: @pyroscope/nodejs's samplers as it configures them (its own @datadog/pprof 5.14.4: wall
 *   100 Hz with contexts and CPU time, workaroundV8Bug, heap 512 KB depth 64);
 * - `addon:k=v,...`: otelprof's @datadog/pprof TimeProfiler created directly, to separate its settings:
 *   `cped` (0|1, AsyncContextFrame slot; default 1 where it is on), `dur` (durationMillis, 60000),
 *   `wa` (workaroundV8Bug, 0), `ctx` (withContexts, 1), `cputime` (collectCpuTime, 1),
 *   `heap` (otelprof's heap sampler too, 1), `peerbuild` (1: the peer's @datadog/pprof binary, 0).
 * With several variants each round runs one on/off pair per variant (order rotated by round), and
 * the report adds each variant's paired difference to the first one's in the same round.
 */
const VARIANTS = (process.env.TOGGLE_WITH ?? 'otelprof').split(';').map((v) => v.trim()).filter(Boolean);
const PEER_ONLY = VARIANTS.length === 1 && VARIANTS[0] === 'peer';
// The peer's own copy of @datadog/pprof (it pins another version than otelprof).
const peerPprofMain = () => require.resolve('@datadog/pprof', { paths: [require.resolve('@pyroscope/nodejs')] });
const ddPprof = VARIANTS.includes('peer') ? require(peerPprofMain()) : undefined;
// How @pyroscope/nodejs starts its samplers (10 s flushes).
const PEER_TIME_OPTIONS = { durationMillis: 10_000, intervalMicros: 10_000, withContexts: true, workaroundV8Bug: true, collectCpuTime: true };
const startPeerSamplers = () => {
  ddPprof.time.start(PEER_TIME_OPTIONS);
  ddPprof.heap.start(512 * 1024, 64);
};

function addonVariant(spec) {
  const o = Object.fromEntries(spec.split(',').filter(Boolean).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  for (const k of Object.keys(o)) if (!['cped', 'dur', 'wa', 'ctx', 'cputime', 'heap', 'peerbuild'].includes(k)) throw new Error(`addon option ${k} unknown (use cped, dur, wa, ctx, cputime, heap, peerbuild)`);
  const { loadNativeAddon, asyncContextFrameActive } = dist('sampler/native-addon');
  const { isMainThread } = require('node:worker_threads');
  const { AsyncLocalStorage } = require('node:async_hooks');
  // peerbuild=1: the TimeProfiler of the peer's @datadog/pprof (5.14.4) instead of otelprof's, same settings.
  const addon = o.peerbuild === 1 ? require(join(peerPprofMain(), '..', 'time-profiler-bindings')) : loadNativeAddon();
  const useCPED = (o.cped ?? (asyncContextFrameActive() ? 1 : 0)) === 1;
  const withContexts = (o.ctx ?? 1) === 1;
  let prof;
  return {
    on() {
      prof = new addon.TimeProfiler({
        intervalMicros: 10_000, durationMillis: o.dur ?? 60_000, withContexts, collectCpuTime: (o.cputime ?? 1) === 1,
        collectAsyncId: false, useCPED, CPEDKey: useCPED ? new AsyncLocalStorage() : undefined, isMainThread,
        lineNumbers: false, workaroundV8Bug: (o.wa ?? 0) === 1,
      });
      prof.start();
      if (withContexts && !useCPED) prof.context = undefined;
      if ((o.heap ?? 1) === 1) startHeapSampler();
    },
    off() {
      prof.stop(false);
      prof.dispose();
      if ((o.heap ?? 1) === 1) stopHeapSampler();
    },
  };
}

function variant(name) {
  if (name === 'peer') {
    return {
      on: startPeerSamplers,
      off() {
        ddPprof.time.stop(false);
        ddPprof.heap.stop();
      },
    };
  }
  if (name === 'otelprof') {
    let window;
    return {
      on() {
        window = openCpuWindow({ hz: 100 });
        startHeapSampler();
      },
      off() {
        window.close();
        stopHeapSampler();
      },
    };
  }
  if (name.startsWith('addon')) return addonVariant(name.slice('addon:'.length));
  throw new Error(`TOGGLE_WITH variant must be otelprof, peer or addon:k=v,... (actual: ${name})`);
}

/** Runs one phase; returns CPU µs per unit of work over its measured part. */
async function phase(v) {
  if (v) v.on();
  await sleep(settleMillis);
  const c0 = cpuMicros();
  const d0 = done;
  await sleep(phaseMillis - settleMillis);
  const cpu = cpuMicros() - c0;
  const work = done - d0;
  if (v) v.off();
  return { on: v !== undefined, cpuMicros: cpu, work, cpuPerWork: cpu / work };
}

/** Collections measured per collecting variant (COLLECTIONS overrides): the first pays first-use compilation. */
const COLLECTIONS = Number(process.env.COLLECTIONS ?? 3);

/**
 * A collection's CPU, per collecting variant (`otelprof`, `peer`): COLLECTIONS windows of 10 s
 * (100 Hz) with a heap profile each, under the load; the synchronous read (V8's stop/restart, the
 * peer's serialization, the heap walk, as the app's turn sees them) is timed under the load, the
 * rest (build, encode, gzip) after the load stops, in the idle process, so process CPU time counts
 * only that work. Returns, by variant, every collection and the steady figure (median after the first).
 */
async function collections(names, stopLoad) {
  const taken = [];
  for (const name of names) {
    const reads = [];
    if (name === 'otelprof') {
      const w = openCpuWindow({ hz: 100 });
      startHeapSampler();
      for (let i = 0; i < COLLECTIONS; i++) {
        await sleep(10_000);
        const c0 = cpuMicros();
        const raw = w.rotate();
        const snap = takeHeapSnapshot();
        reads.push({ syncMicros: cpuMicros() - c0, samples: raw.samples.length, heapRecords: snap.records.length,
          finish: async () => { for (const build of [() => buildCpuProfile(raw, 'cpu'), () => buildHeapProfile(snap, 'heap')]) await gzip(encode(await build())); } });
      }
      w.close();
      stopHeapSampler();
    } else if (name === 'peer') {
      // As @pyroscope/nodejs's continuous profiler does on each flush (labels generated from its context).
      startPeerSamplers();
      for (let i = 0; i < COLLECTIONS; i++) {
        await sleep(10_000);
        const c0 = cpuMicros();
        const cpuProf = ddPprof.time.stop(true, (args) => ({ ...(args.context?.context?.labels ?? {}) }));
        const heapProf = ddPprof.heap.profile(undefined, undefined, undefined);
        reads.push({ syncMicros: cpuMicros() - c0, samples: cpuProf.sample.length, heapRecords: heapProf.sample.length,
          finish: async () => { await ddPprof.encode(cpuProf); await ddPprof.encode(heapProf); } });
      }
      ddPprof.time.stop(false);
      ddPprof.heap.stop();
    }
    taken.push({ name, reads });
  }
  stopLoad();
  await sleep(500);
  const out = {};
  for (const { name, reads } of taken) {
    const all = [];
    for (const r of reads) {
      const c0 = cpuMicros();
      await r.finish();
      const idleMicros = cpuMicros() - c0;
      all.push({ cpuMillis: (r.syncMicros + idleMicros) / 1000, syncMillis: r.syncMicros / 1000, idleMillis: idleMicros / 1000, samples: r.samples, heapRecords: r.heapRecords });
    }
    const steady = all.length > 1 ? all.slice(1) : all;
    const med = (k) => median(steady.map((c) => c[k]));
    out[name] = { cpuMillis: med('cpuMillis'), syncMillis: med('syncMillis'), idleMillis: med('idleMillis'), samples: med('samples'), heapRecords: med('heapRecords'), first: all[0], all };
  }
  return out;
}

(async () => {
  const t0 = Date.now();
  warmUpCollections();
  let stopLoad = () => undefined;
  if (workload === 'cpu') cpuLoad();
  else stopLoad = await httpLoad();
  await sleep(10_000); // JIT warm-up of the app under load
  const vs = VARIANTS.map(variant);
  const phases = VARIANTS.map(() => []); // per variant: [on, off] pairs, one per round
  for (let i = 0; i < pairs; i++) {
    const onFirst = i % 2 === 0;
    for (let j = 0; j < vs.length; j++) {
      const k = (i + j) % vs.length;
      const a = await phase(onFirst ? vs[k] : undefined);
      const b = await phase(onFirst ? undefined : vs[k]);
      const [on, off] = onFirst ? [a, b] : [b, a];
      phases[k].push([on, off]);
      process.stderr.write(`round ${i + 1}/${pairs} ${VARIANTS[k]}: on ${on.cpuPerWork.toFixed(2)} off ${off.cpuPerWork.toFixed(2)} µs per unit\n`);
    }
  }
  const stopAll = () => {
    running = false;
    stopLoad();
  };
  const colls = await collections(VARIANTS.filter((v) => v === 'otelprof' || v === 'peer'), stopAll);
  const appCpuPerSecond = median(phases.flat().map(([, off]) => off.cpuMicros / ((phaseMillis - settleMillis) * 1000)));
  const collPct = (c) => c.cpuMillis / (10_000 * appCpuPerSecond);
  const ci = (xs) => `${pct(median(xs))} (95 % CI ${medianCI(xs).map(pct).join(' to ')}; quartiles ${pct(quantile(xs, 0.25))} to ${pct(quantile(xs, 0.75))})`;
  const label = (name) => (name === 'otelprof' ? 'otelprof sampling (CPU 100 Hz + heap 512 KB)' : name === 'peer' ? '@pyroscope/nodejs samplers (wall 100 Hz with CPU time + heap 512 KB)' : name);
  const rows = VARIANTS.flatMap((name, k) => {
    const r = pairRatios(phases[k]);
    const c = colls[name];
    return [
      `| ${label(name)}, median of ${pairs} pairs | ${ci(r)} |`,
      ...(c ? [
        `| ${name}: one collection per 10 s, ${c.all.length > 1 ? `median of collections 2-${c.all.length}` : 'one'} (${c.samples} ${name === 'peer' ? 'pprof sample rows' : 'samples'}, ${c.heapRecords} heap ${name === 'peer' ? 'rows' : 'stacks'}; ${c.syncMillis.toFixed(1)} ms CPU in the synchronous read under load + ${c.idleMillis.toFixed(1)} ms build, encode, gzip; the first collection ${c.first.syncMillis.toFixed(1)} + ${c.first.idleMillis.toFixed(1)} ms) | ${(collPct(c) * 100).toFixed(2)} % |`,
        `| **${name}: sum** | **${pct(median(r) + collPct(c))}** |`,
      ] : []),
    ];
  });
  // Each variant against the first, paired by round (both measured within the same ~12 s).
  const diffs = VARIANTS.slice(1).map((name, k) => {
    const a = pairRatios(phases[0]);
    const d = pairRatios(phases[k + 1]).map((r, i) => 1 + r - a[i]);
    return `| ${name} minus ${VARIANTS[0]}, paired by round | ${ci(d)} |`;
  });
  console.log([
    `Node ${process.versions.node}, ${os.cpus().length} CPUs, ${new Date().toISOString()}, ${((Date.now() - t0) / 60000).toFixed(1)} min; ` +
      `${workload} workload${workload === 'http' ? (rate > 0 ? ` (open loop, ${rate} requests/s)` : ' (closed loop, 16 connections, raw-socket loader)') : ''}, ${pairs} rounds of ${phaseMillis} ms phases (first ${settleMillis} ms of each not measured); the app used ${appCpuPerSecond.toFixed(2)} CPU cores.`,
    '',
    '| what | CPU over the same process without profiling |',
    '|---|---|',
    ...rows,
    ...diffs,
  ].join('\n'));
  const single = VARIANTS.length === 1 && VARIANTS[0] === 'otelprof';
  const tag = single ? '' : PEER_ONLY ? 'peer-' : 'variants-';
  const out = process.env.OUT_JSON ?? join(__dirname, `overhead-toggle-${tag}${workload}-node${process.versions.node.split('.')[0]}.json`);
  // One variant keeps the earlier layout (phases: [on, off][]) so --report reads old and new runs alike.
  const data = VARIANTS.length === 1
    ? { node: process.versions.node, peer: PEER_ONLY, variant: VARIANTS[0], workload, phaseMillis, settleMillis, appCpuPerSecond, collection: colls[VARIANTS[0]] ?? null, phases: phases[0] }
    : { node: process.versions.node, variants: VARIANTS, workload, phaseMillis, settleMillis, appCpuPerSecond, collections: colls, phasesByVariant: phases };
  fs.writeFileSync(out, `${JSON.stringify(data, null, 1)}\n`);
  process.exit(0);
})().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
