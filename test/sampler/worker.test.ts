/** startCPUProfile and the heap profile inside a worker thread profile that worker. */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { goPprofOn } from '../support/go-pprof';
import { decodeIndependent } from './helpers';

const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PassThrough } = require('node:stream');
require(workerData.register);
const otelprof = require(workerData.index);
const sampler = require(workerData.sampler);
function collect() { const s = new PassThrough(); const c = []; s.on('data', (d) => c.push(d)); return { s, bytes: () => Buffer.concat(c) }; }
function workerOnlySpin(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
const kept = [];
function workerOnlyAlloc(n) { for (let i = 0; i < n; i++) kept.push({ i, arr: [i, i] }); }
(async () => {
  const cpu = collect();
  otelprof.startCPUProfile(cpu.s, { backend: workerData.backend });
  const backend = sampler.cpuSamplerState().backend;
  workerOnlySpin(600);
  await otelprof.stopCPUProfile();
  sampler.startHeapSampler({ backend: workerData.backend });
  workerOnlyAlloc(200000);
  const heap = collect();
  await otelprof.writeHeapProfile(heap.s);
  sampler.stopHeapSampler();
  parentPort.postMessage({ cpu: cpu.bytes(), heap: heap.bytes(), backend });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

function mainThreadSpin(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

test.each(['native', 'inspector'] as const)('%s backend: CPU and heap profiles taken in a worker show the worker', async (backend) => {
  const worker = new Worker(WORKER_CODE, {
    eval: true,
    workerData: {
      backend,
      register: join(__dirname, 'ts-register.js'),
      index: join(__dirname, '../../src/index.ts'),
      sampler: join(__dirname, '../../src/sampler/index.ts'),
    },
  });
  const done = new Promise<{ cpu?: Uint8Array; heap?: Uint8Array; backend?: string; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // The main thread is busy too; none of that may show up in the worker's profile.
  const deadline = Date.now() + 1500;
  while (Date.now() < deadline) {
    mainThreadSpin(20);
    await new Promise<void>((r) => setImmediate(r));
  }
  const msg = await done;
  await worker.terminate();
  expect(msg.error).toBeUndefined();
  expect(msg.backend).toBe(backend);

  const cpu = decodeIndependent(msg.cpu as Uint8Array);
  const fns = new Set(cpu.samples.flatMap((s) => s.functions));
  expect(fns.has('workerOnlySpin')).toBe(true);
  expect(fns.has('mainThreadSpin')).toBe(false);
  expect(await goPprofOn(msg.cpu as Uint8Array, ['-top'])).toContain('workerOnlySpin');

  const heap = decodeIndependent(msg.heap as Uint8Array);
  const inuse = heap.samples.filter((s) => s.functions.includes('workerOnlyAlloc')).reduce((a, s) => a + s.values[3], 0);
  expect(inuse).toBeGreaterThan(1_000_000);
});
