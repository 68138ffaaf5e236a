/**
 * One run of the runtime-profiles overhead benchmark (child of overhead-runtime.js): a loopback
 * HTTP server whose handler does a little CPU work, awaits, and takes a shared otelprof `Mutex`
 * around a short critical section (so lock contention happens), driven by keep-alive clients.
 *
 * argv: variant requests concurrency
 *  - `none`:         no profiling at all
 *  - `sampler`:      the CPU sampler at 100 Hz (what continuous profiling always runs): the baseline
 *  - `block-mutex`:  sampler + setBlockProfileRate(10 ms) + setMutexProfileFraction(1) (every event)
 *  - `goroutine`:    sampler + goroutine creation stacks (async_hooks init + a stack per resource)
 * Prints one JSON line: requests, wall ms, process CPU µs, CPU µs per request, req/s.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openCpuWindow } from '../src/sampler/cpu-sampler';
import { setBlockProfileRate } from '../src/sampler/loop-block';
import { enableGoroutineStacks } from '../src/sampler/async-resources';
import { setMutexProfileFraction } from '../src/profiles/builtin-mutex';
import { lookup } from '../src/profiles';
import { Mutex } from '../src/sync';

const [variant, requestsArg, concurrencyArg] = process.argv.slice(2);
const requests = Number(requestsArg ?? 4000);
const concurrency = Number(concurrencyArg ?? 8);

function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) | 0;
  return x;
}

const lock = new Mutex();
let shared = 0;

async function handle(res: http.ServerResponse): Promise<void> {
  spin(20_000);
  await new Promise((r) => setImmediate(r));
  await lock.runExclusive(async () => {
    shared++;
    await Promise.resolve();
  });
  res.end(String(spin(5_000) + shared));
}

async function main(): Promise<void> {
  const window = variant === 'none' ? undefined : openCpuWindow({ hz: 100 });
  if (variant === 'block-mutex') {
    setBlockProfileRate(10_000_000);
    setMutexProfileFraction(1);
  }
  if (variant === 'goroutine') enableGoroutineStacks();
  const server = http.createServer((_req, res) => { void handle(res); });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (sent < requests) {
      sent++;
      await new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMicros = cpu.user + cpu.system;
  // Reading the profiles is part of the cost a scheduler pays once per period.
  if (variant === 'block-mutex') await Promise.all(['block', 'mutex'].map((n) => lookup(n)?.writeTo(new (require('node:stream').PassThrough)().resume(), 0)));
  window?.close();
  if (variant === 'block-mutex') { setBlockProfileRate(0); setMutexProfileFraction(0); }
  agent.destroy();
  server.close();
  process.stdout.write(`${JSON.stringify({ requests, wallMs, cpuMicros, cpuMicrosPerRequest: cpuMicros / requests, reqPerSec: requests / (wallMs / 1000) })}\n`);
}

void main();
