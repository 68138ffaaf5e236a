#!/usr/bin/env node
/**
 * Load generator of bench/overhead.js, a separate process: sends `count` GET requests with
 * `concurrency` keep-alive connections and prints the latency percentiles as JSON.
 *   node bench/overhead-load.js <port> <count> <concurrency>
 */
'use strict';
const http = require('node:http');

const [port, count, concurrency] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const get = (path) => new Promise((resolve, reject) => {
  const t = process.hrtime.bigint();
  http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
    res.resume();
    res.on('end', () => resolve(Number(process.hrtime.bigint() - t) / 1e6));
  }).on('error', reject);
});

(async () => {
  await get('/start');
  const latencies = [];
  let next = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      latencies.push(await get('/work'));
    }
  }));
  const seconds = (Date.now() - t0) / 1000;
  await get('/stop');
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  process.stdout.write(`${JSON.stringify({ p50Millis: q(0.5), p99Millis: q(0.99), maxMillis: latencies[latencies.length - 1], reqPerSec: count / seconds })}\n`);
  agent.destroy();
})().catch((e) => {
  process.stderr.write(String(e && e.stack || e));
  process.exit(1);
});
