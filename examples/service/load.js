#!/usr/bin/env node
'use strict';
/**
 * A tiny load generator for the example service: requests `/work`, `/alloc` and `/wait` in turn,
 * `--concurrency` at a time, until `--count` requests were sent (default: forever).
 *
 *   node examples/service/load.js http://127.0.0.1:8080 [--count 30] [--concurrency 2] [--pause-ms 200]
 *
 * Several base URLs may be given; they are used round-robin. Prints one line per 20 requests and a
 * summary at the end; exits 1 if any request failed when `--count` is set.
 */
const PATHS = ['/work', '/alloc', '/wait'];

function parseArgs(argv) {
  const opts = { urls: [], count: Infinity, concurrency: 2, pauseMillis: 200 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer (actual: ${argv[i]})`);
      return v;
    };
    if (a === '--count') opts.count = num();
    else if (a === '--concurrency') opts.concurrency = Math.max(1, num());
    else if (a === '--pause-ms') opts.pauseMillis = num();
    else opts.urls.push(new URL(a).href.replace(/\/+$/, ''));
  }
  if (opts.urls.length === 0) opts.urls.push(process.env.TARGET_URL || 'http://127.0.0.1:8080');
  return opts;
}

async function run(opts) {
  let sent = 0;
  let failed = 0;
  const worker = async () => {
    while (sent < opts.count) {
      const n = sent++;
      const url = `${opts.urls[n % opts.urls.length]}${PATHS[n % PATHS.length]}`;
      try {
        const res = await fetch(url);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        failed++;
        console.error(`${url}: ${err.message}`);
      }
      if ((n + 1) % 20 === 0) console.log(`${n + 1} requests, ${failed} failed`);
      if (opts.pauseMillis > 0) await new Promise((resolve) => setTimeout(resolve, opts.pauseMillis));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  console.log(`done: ${sent} requests, ${failed} failed`);
  return failed;
}

if (require.main === module) {
  run(parseArgs(process.argv.slice(2))).then(
    (failed) => {
      process.exitCode = failed > 0 ? 1 : 0;
    },
    (err) => {
      console.error(err.message);
      process.exitCode = 2;
    },
  );
}

module.exports = { parseArgs, run };
