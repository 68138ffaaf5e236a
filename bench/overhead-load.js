#!/usr/bin/env node
/**
 * Load generator of bench/overhead.js, a separate process: sends `count` GET requests with
 * `concurrency` keep-alive connections and prints the latency percentiles as JSON.
 *   node bench/overhead-load.js <port> <count> <concurrency> [rate]
 * Without `rate` (or 0) the load is closed-loop: each connection sends its next request when the
 * last one is answered, so the server runs saturated. With `rate` (requests per second) it is
 * open-loop: request i is sent at start + i / rate whatever the server's state (queued in the
 * agent when every connection is busy), as a service's clients arrive; latency counts from that
 * intended send time, so a stalled server shows in the percentiles.
 */
'use strict';
const http = require('node:http');

const [port, count, concurrency, rate = 0] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const nowMillis = () => Number(process.hrtime.bigint()) / 1e6;
const get = (path, sentAt = nowMillis()) => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
    res.resume();
    res.on('end', () => resolve(nowMillis() - sentAt));
  }).on('error', reject);
});

/** Closed loop: `concurrency` workers, each waiting for its answer before the next request. */
async function closedLoop(latencies) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      latencies.push(await get('/work'));
    }
  }));
}

/** Open loop at `rate` requests per second (see the file comment). */
function openLoop(latencies) {
  return new Promise((resolve, reject) => {
    const t0 = nowMillis();
    let sent = 0;
    let answered = 0;
    const tick = () => {
      const due = Math.min(count, Math.floor(((nowMillis() - t0) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        get('/work', t0 + (sent * 1000) / rate).then((ms) => {
          latencies.push(ms);
          if (++answered === count) resolve();
        }, reject);
      }
      if (sent < count) setTimeout(tick, 1);
    };
    tick();
  });
}

(async () => {
  await get('/start');
  const latencies = [];
  const t0 = Date.now();
  await (rate > 0 ? openLoop(latencies) : closedLoop(latencies));
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
