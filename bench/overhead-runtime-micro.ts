/**
 * Micro-costs behind the runtime-profiles overhead (complements overhead-runtime.js, whose HTTP
 * ratios are noisy on a shared box):
 *  - the block probe's CPU on an otherwise idle process (µs of CPU per second of wall time);
 *  - one uncontended Mutex lock/unlock pair, mutex profiling off and on (ns);
 *  - one contended hand-off, profiling off and on at fraction 1 (µs; includes the stack capture).
 *  - one async resource creation (setTimeout + clearTimeout), goroutine stacks off and on (µs).
 * Run: node -r ./bench/overhead-otel-register.js bench/overhead-runtime-micro.ts
 */
import { LoopProbe } from '../src/sampler/loop-block-probe';
import { enableGoroutineStacks, disableGoroutineStacks } from '../src/sampler/async-resources';
import { setMutexProfileFraction } from '../src/profiles/builtin-mutex';
import { Mutex } from '../src/sync';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function idleCpuPerSecond(withProbe: boolean, seconds: number): Promise<number> {
  const probe = new LoopProbe(() => undefined);
  if (withProbe) probe.start(10_000_000);
  const c0 = process.cpuUsage();
  await sleep(seconds * 1000);
  const c = process.cpuUsage(c0);
  probe.stop();
  return (c.user + c.system) / seconds;
}

async function uncontendedNs(n: number): Promise<number> {
  const m = new Mutex();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await m.lock();
    m.unlock();
  }
  return Number(process.hrtime.bigint() - t0) / n;
}

async function handoffMicros(n: number): Promise<number> {
  const m = new Mutex();
  async function holder(): Promise<void> {
    await m.lock();
    const waiter = m.lock();
    m.unlock();
    await waiter;
    m.unlock();
  }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await holder();
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

function timerMicros(n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) clearTimeout(setTimeout(() => undefined, 1000));
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const idleOff: number[] = [];
  const idleOn: number[] = [];
  for (let r = 0; r < 3; r++) {
    idleOff.push(await idleCpuPerSecond(false, 2));
    idleOn.push(await idleCpuPerSecond(true, 2));
  }
  const lockOff = median([await uncontendedNs(200_000), await uncontendedNs(200_000), await uncontendedNs(200_000)]);
  setMutexProfileFraction(1);
  const lockOn = median([await uncontendedNs(200_000), await uncontendedNs(200_000), await uncontendedNs(200_000)]);
  const handOn = median([await handoffMicros(20_000), await handoffMicros(20_000), await handoffMicros(20_000)]);
  setMutexProfileFraction(0);
  const handOff = median([await handoffMicros(20_000), await handoffMicros(20_000), await handoffMicros(20_000)]);
  const timerOff = median([timerMicros(100_000), timerMicros(100_000), timerMicros(100_000)]);
  enableGoroutineStacks();
  const timerOn = median([timerMicros(100_000), timerMicros(100_000), timerMicros(100_000)]);
  disableGoroutineStacks();
  console.log(`Node ${process.versions.node} (medians)\n`);
  console.log('| measure | off | on | extra |');
  console.log('|---|---|---|---|');
  const iOff = median(idleOff);
  const iOn = median(idleOn);
  console.log(`| idle process CPU, µs per s (block probe, 10 ms threshold) | ${iOff.toFixed(0)} | ${iOn.toFixed(0)} | ${(iOn - iOff).toFixed(0)} µs/s = ${((iOn - iOff) / 1e4).toFixed(3)} % of one core |`);
  console.log(`| uncontended Mutex lock+unlock, ns (fraction 1) | ${lockOff.toFixed(0)} | ${lockOn.toFixed(0)} | ${(lockOn - lockOff).toFixed(0)} ns |`);
  console.log(`| contended hand-off, µs (fraction 1: stack captured) | ${handOff.toFixed(2)} | ${handOn.toFixed(2)} | ${(handOn - handOff).toFixed(2)} µs |`);
  console.log(`| setTimeout+clearTimeout, µs (goroutine stacks) | ${timerOff.toFixed(2)} | ${timerOn.toFixed(2)} | ${(timerOn - timerOff).toFixed(2)} µs |`);
}

void main();
