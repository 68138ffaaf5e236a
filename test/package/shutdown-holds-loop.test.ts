/**
 * `await profiler.shutdown()` returns in a process that has nothing else to do, even while the
 * last upload is failing and waiting to retry (retry timers do not hold the event loop; the
 * shutdown deadline does). Before the fix such a process exited in the middle of the await, and the
 * code after it never ran.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, makeConsumerProject, runNode } from './consumer';

let project: string;
let server: Server;
let requests = 0;

beforeAll(async () => {
  await ensureBuilt();
  project = makeConsumerProject();
  writeFileSync(join(project, 'shutdown.cjs'), `
    const otelprof = require('otelprof');
    (async () => {
      const p = otelprof.startProfiling({
        serviceName: 'shutdown', serverAddress: process.argv[2], profileTypes: ['heap'], shutdownTimeoutMillis: 1500,
      });
      const t0 = Date.now();
      await p.shutdown();
      console.log(JSON.stringify({ afterShutdown: true, millis: Date.now() - t0, stats: p.stats }));
    })();`);
  // Always unavailable: the exporter retries with backoff until the shutdown deadline.
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(503);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('the code after await shutdown() runs while the last upload is being retried', async () => {
  const { port } = server.address() as AddressInfo;
  const res = await runNode(project, ['shutdown.cjs', `http://127.0.0.1:${port}`]);
  expect(res.code).toBe(0);
  const last = res.stdout.trim().split('\n').pop() ?? '';
  expect(last).toContain('afterShutdown');
  const out = JSON.parse(last) as { millis: number };
  // The upload was tried (and failed) before the deadline ended the wait.
  expect(requests).toBeGreaterThan(0);
  expect(out.millis).toBeLessThan(10_000);
});
