#!/usr/bin/env node
/**
 * Sampler overhead: a fixed CPU workload and a node:http workload (fixed request count from a
 * separate load process), each run as `baseline`, `otelprof` (CPU 100 Hz + heap), `otelprof-labels`
 * (+ user labels on samples: the context bridge) and `pyroscope` (@pyroscope/nodejs wall 100 Hz
 * with CPU time + heap), every run in a fresh process, variants interleaved, ROUNDS rounds; both
 * profilers flush every FLUSH_MILLIS to a local sink in this process. Prints medians as Markdown.
 *
 *   node bench/overhead.js [rounds=3] [cpuUnits=6000] [requests=12000] [concurrency=16]
 * Run it with each Node (e.g. /work/node24/bin/node bench/overhead.js).
 */
'use strict';
const { spawn, execFile } = require('node:child_process');
const http = require('node:http');
const { join } = require('node:path');
const os = require('node:os');

const rounds = Number(process.argv[2] ?? 3);
const cpuUnits = String(process.argv[3] ?? 6000);
const requests = String(process.argv[4] ?? 12000);
const concurrency = String(process.argv[5] ?? 16);
const variants = ['baseline', 'otelprof', 'otelprof-labels', 'pyroscope'];
const workloads = ['cpu', 'http'];
const flushMillis = process.env.FLUSH_MILLIS ?? '3000';

let sinkBytes = 0;
const sink = http.createServer((req, res) => {
  req.on('data', (c) => { sinkBytes += c.length; });
  req.on('end', () => res.end('ok'));
});

function runApp(workload, variant, port, arg, onPort) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', join(__dirname, 'overhead-otel-register.js'), join(__dirname, 'overhead-app.ts'), workload, variant, String(port), arg],
      { cwd: join(__dirname, '..'), env: { ...process.env, FLUSH_MILLIS: flushMillis }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)\n/.exec(out);
      if (m && onPort) {
        const p = Number(m[1]);
        onPort(p);
        onPort = undefined;
      }
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${workload}/${variant} exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

function load(port) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'overhead-load.js'), String(port), requests, concurrency], (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout.trim()));
    });
  });
}

async function runOne(workload, variant, sinkPort) {
  if (workload === 'cpu') return runApp('cpu', variant, sinkPort, cpuUnits);
  let loadDone;
  const app = runApp('http', variant, sinkPort, '-', (port) => { loadDone = load(port); });
  const appResult = await app;
  return { ...appResult, ...(await loadDone) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

(async () => {
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const sinkPort = sink.address().port;
  const results = {};
  for (let r = 0; r < rounds; r++) {
    for (const w of workloads) {
      for (const v of variants) {
        (results[`${w}/${v}`] ??= []).push(await runOne(w, v, sinkPort));
      }
    }
  }
  sink.close();
  const load1 = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`Node ${process.versions.node}, ${os.cpus().length} CPUs (${os.cpus()[0].model}), load average at the end ${load1}; ` +
    `${rounds} rounds, flush every ${flushMillis} ms, cpu: ${cpuUnits} units, http: ${requests} requests x ${concurrency} connections (medians)\n`);
  for (const w of workloads) {
    const key = w === 'cpu' ? 'cpuMicrosPerUnit' : 'cpuMicrosPerRequest';
    const base = median(results[`${w}/baseline`].map((x) => x[key]));
    const baseRss = median(results[`${w}/baseline`].map((x) => x.maxRssMB));
    const baseP99 = w === 'http' ? median(results[`${w}/baseline`].map((x) => x.p99Millis)) : 0;
    console.log(`${w} workload:\n`);
    console.log(`| variant | CPU µs / ${w === 'cpu' ? 'unit' : 'request'} | CPU vs baseline | ${w === 'http' ? 'p99 ms | p99 vs baseline | ' : ''}max RSS MB | RSS − baseline MB | max loop delay ms | max collect stall ms | same, after the 1st | collections |`);
    console.log(`|---|---|---|${w === 'http' ? '---|---|' : ''}---|---|---|---|---|---|`);
    for (const v of variants) {
      const xs = results[`${w}/${v}`];
      const cpu = median(xs.map((x) => x[key]));
      const rss = median(xs.map((x) => x.maxRssMB));
      const p99 = w === 'http' ? median(xs.map((x) => x.p99Millis)) : 0;
      const httpCols = w === 'http' ? `${p99.toFixed(2)} | ${(p99 / baseP99).toFixed(3)} | ` : '';
      const stall = v !== 'baseline' ? median(xs.map((x) => x.maxCollectStallMillis)).toFixed(2) : '-';
      const later = v !== 'baseline' ? median(xs.map((x) => x.maxCollectStallAfterFirstMillis ?? 0)).toFixed(2) : '-';
      console.log(`| ${v} | ${cpu.toFixed(1)} | ${(cpu / base).toFixed(3)} | ${httpCols}${rss.toFixed(1)} | ${(rss - baseRss).toFixed(1)} | ${median(xs.map((x) => x.maxLoopDelayMillis)).toFixed(2)} | ${stall} | ${later} | ${median(xs.map((x) => x.collections))} |`);
      if (v.startsWith('otelprof') && process.env.STEPS) console.log(`<!-- ${w}/${v} step maxima (rotate+heap read, build cpu, build heap, encode) ms: ${xs.map((x) => (x.stepMaxMillis ?? []).map((n) => n.toFixed(1)).join('/')).join('; ')} -->`);
    }
    console.log('');
  }
  console.log(`(sink received ${(sinkBytes / 1e6).toFixed(1)} MB)`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
