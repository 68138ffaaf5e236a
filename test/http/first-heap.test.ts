/**
 * Go's heap profile is always on, so the first `/debug/pprof/heap` of a live process already shows
 * what it holds. A fresh process (no other test's heap sampler) that only serves the pull
 * endpoint: the first heap profile it answers names the function that allocated what is retained.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { decodeIndependent } from '../sampler/helpers';

const REGISTER = join(__dirname, '..', 'sampler', 'ts-register.js');
const SRC = join(__dirname, '..', '..', 'src');

test('the first /heap of a process that serves the endpoint shows the retaining function', async () => {
  const script = `
    const http = require('node:http');
    const { servePprof } = require(${JSON.stringify(SRC)});
    const kept = [];
    function retainForEndpoint(n) { for (let i = 0; i < n; i++) kept.push({ i, s: 'v' + i, a: [i] }); }
    (async () => {
      const server = await servePprof({ port: 0 });
      retainForEndpoint(200000);
      http.get(server.url + 'heap', (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', async () => {
          process.stdout.write(Buffer.concat(chunks).toString('base64'));
          await server.close();
        });
      });
    })();
  `;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['-r', REGISTER, '-e', script], { timeout: 60_000, maxBuffer: 64 << 20 }, (err, out, stderr) =>
      (err ? reject(new Error(`child failed: ${String(stderr)}`)) : resolve(String(out))));
  });
  const p = decodeIndependent(Buffer.from(stdout, 'base64'));
  const inuse = p.samples.filter((s) => s.functions.includes('retainForEndpoint')).reduce((a, s) => a + s.values[3], 0);
  // 200k small objects with strings and arrays: several MB live.
  expect(inuse).toBeGreaterThan(2_000_000);
});
