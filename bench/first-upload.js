#!/usr/bin/env node
/**
 * What the first upload of a process costs the event loop: fresh processes, each sending two
 * POSTs through otelprof's HttpTransport to a loopback server in a separate process. Times the
 * synchronous part of `post()` (connect, request head and body written: one event-loop turn).
 * Until the tenth pass (bench/RESULTS.md) it also compared the node:http client's warm-up at
 * start, which the transport no longer needs: it does not use node:http's client.
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
  const port = process.argv[3];
  const { HttpTransport } = require(`${DIST}/exporters/shared`);
  (async () => {
    const transport = new HttpTransport({ endpoint: new URL(`http://127.0.0.1:${port}`), timeoutMillis: 5000, keepAliveMillis: 1000 });
    const body = new Uint8Array(20_000);
    const syncMillis = [];
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      const p = transport.post({ path: '/ingest', headers: { 'content-type': 'application/octet-stream' }, body });
      syncMillis.push(performance.now() - t);
      const r = await p;
      if (r.kind !== 'response' || r.status !== 200) throw new Error(`upload failed: ${JSON.stringify(r)}`);
    }
    await transport.close();
    process.stdout.write(JSON.stringify({ syncMillis }));
  })();
  return;
}

const count = Number(process.argv[2] ?? 10);
const server = spawn(process.execPath, ['-e', `
  const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.end('ok')); });
  s.listen(0, '127.0.0.1', () => console.log(s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
server.stdout.once('data', (d) => {
  const port = String(d).trim();
  const runs = [];
  for (let i = 0; i < count; i++) runs.push(JSON.parse(execFileSync(process.execPath, [__filename, '--child', port], { encoding: 'utf8' })));
  server.kill();
  console.log(`Node ${process.versions.node}, ${count} processes, medians (ms):\n`);
  console.log('| first upload, synchronous part | second upload, synchronous part |');
  console.log('|---|---|');
  console.log(`| ${median(runs.map((x) => x.syncMillis[0])).toFixed(2)} | ${median(runs.map((x) => x.syncMillis[1])).toFixed(2)} |`);
});
