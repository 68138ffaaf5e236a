#!/usr/bin/env node
/**
 * What the first upload of a process costs the event loop, with and without the exporters' HTTP
 * client warm-up (exporters/shared/warm-up-client.ts): fresh processes, interleaved, each sending
 * two POSTs through otelprof's HttpTransport to a loopback server in a separate process. Times
 * the synchronous part of `post()` (request creation and write, one event-loop turn).
 *
 *   node scripts/build.js --allow-type-errors
 *   node bench/first-upload.js [processes=10]
 */
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { join } = require('node:path');
const { median } = require('./stats');

const DIST = join(__dirname, '..', 'dist');

if (process.argv[2] === '--child') {
  const [, , , port, mode] = process.argv;
  const { HttpTransport } = require(`${DIST}/exporters/shared`);
  const { runHttpClientWarmUp, HTTP_CLIENT_WARM_UP_KEY } = require(`${DIST}/exporters/shared/warm-up-client`);
  (async () => {
    // Let the transport's own warm-up (scheduled by its constructor) not run: flag it as done.
    globalThis[HTTP_CLIENT_WARM_UP_KEY] = true;
    let warmMillis = NaN;
    if (mode === 'warm') {
      const t = performance.now();
      await runHttpClientWarmUp();
      warmMillis = performance.now() - t;
    }
    const transport = new HttpTransport({ endpoint: new URL(`http://127.0.0.1:${port}`), timeoutMillis: 5000, keepAliveMillis: 1000 });
    const body = new Uint8Array(20_000);
    const syncMillis = [];
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      const p = transport.post({ path: '/ingest', headers: { 'content-type': 'application/octet-stream' }, body });
      syncMillis.push(performance.now() - t);
      await p;
    }
    await transport.close();
    process.stdout.write(JSON.stringify({ mode, warmMillis, syncMillis }));
  })();
  return;
}

const count = Number(process.argv[2] ?? 10);
const server = spawn(process.execPath, ['-e', `
  const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.end('ok')); });
  s.listen(0, '127.0.0.1', () => console.log(s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
server.stdout.once('data', (d) => {
  const port = String(d).trim();
  const runs = { cold: [], warm: [] };
  for (let i = 0; i < count; i++) {
    for (const mode of i % 2 ? ['warm', 'cold'] : ['cold', 'warm']) {
      runs[mode].push(JSON.parse(execFileSync(process.execPath, [__filename, '--child', port, mode], { encoding: 'utf8' })));
    }
  }
  server.kill();
  console.log(`Node ${process.versions.node}, ${count} processes each, medians (ms):\n`);
  console.log('| client | warm-up (at start) | first upload, synchronous part | second upload, synchronous part |');
  console.log('|---|---|---|---|');
  for (const mode of ['cold', 'warm']) {
    const r = runs[mode];
    const w = mode === 'warm' ? median(r.map((x) => x.warmMillis)).toFixed(2) : '-';
    console.log(`| ${mode === 'cold' ? 'not warmed' : 'warmed'} | ${w} | ${median(r.map((x) => x.syncMillis[0])).toFixed(2)} | ${median(r.map((x) => x.syncMillis[1])).toFixed(2)} |`);
  }
});
