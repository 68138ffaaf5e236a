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

const LABELLED_WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PassThrough } = require('node:stream');
require(workerData.register);
const otelprof = require(workerData.index);
let stop = false;
function labelledWorkerSpin(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
// Labels entered before any profile: on Node 24+ the worker keeps its own native profiler from here.
// Samples are found by the loop (V8 may inline the spin into it).
async function labelledWorkerLoop() {
  while (!stop) { labelledWorkerSpin(3); await new Promise((r) => setImmediate(r)); }
}
otelprof.runWithLabels(otelprof.labels('worker', workerData.name), labelledWorkerLoop);
(async () => {
  await new Promise((r) => setTimeout(r, 50));
  const s = new PassThrough(); const c = []; s.on('data', (d) => c.push(d));
  otelprof.startCPUProfile(s);
  await new Promise((r) => setTimeout(r, 300));
  // 'idle': the profile stops (its profiler kept, stopped); 'running': terminated while profiling.
  if (workerData.end === 'idle') await otelprof.stopCPUProfile();
  parentPort.postMessage({ cpu: Buffer.concat(c) });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

test('workers that used labels end cleanly with their profiler idle or running, and their profiles carry their labels', async () => {
  const ends = ['idle', 'running', 'idle', 'running'];
  for (const [i, end] of ends.entries()) {
    const worker = new Worker(LABELLED_WORKER_CODE, {
      eval: true,
      workerData: { name: `w${i}`, end, register: join(__dirname, 'ts-register.js'), index: join(__dirname, '../../src/index.ts') },
    });
    const msg = await new Promise<{ cpu?: Uint8Array; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(msg.error).toBeUndefined();
    expect(await worker.terminate()).toBe(1);
    if (end === 'idle') {
      const spins = decodeIndependent(msg.cpu as Uint8Array).samples.filter((s) => s.functions.includes('labelledWorkerLoop'));
      // Rows of the profile: values[0] is the row's sample count.
      const count = (rows: typeof spins): number => rows.reduce((a, r) => a + r.values[0], 0);
      expect(count(spins)).toBeGreaterThan(5);
      expect(count(spins.filter((r) => r.labels.worker === `w${i}`)) / count(spins)).toBeGreaterThan(0.95);
    }
  }
  // This thread is still here and can profile.
  const { startCPUProfile, stopCPUProfile } = await import('../../src/index');
  const { sink } = await import('./helpers');
  const out = sink();
  startCPUProfile(out.stream);
  mainThreadSpin(100);
  await stopCPUProfile();
  // 100 ms of spin at 100 Hz (by this file's functions: V8 may have inlined mainThreadSpin, optimized in the tests above).
  const mine = decodeIndependent(out.bytes()).samples.filter((r) => r.files.some((f) => f.endsWith('worker.test.ts')));
  expect(mine.reduce((a, r) => a + r.values[0], 0)).toBeGreaterThanOrEqual(5);
});
