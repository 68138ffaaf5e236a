/**
 * The native addon's per-sample buffer is reallocated whole at every read of V8's profile, so a
 * run's drain period (which sizes it) is shortened at high rates to keep it near 120 KB: 12.8 s
 * at 100 Hz, 1.28 s at 1 kHz. Windows longer than that still keep every sample: the drain reads
 * V8's profile into them.
 */
import { drainMillisFor } from '../../src/sampler/backend-select';
import { onCpuSamples, openCpuWindow } from '../../src/sampler';
import { setCpuEarlyReadMillis } from '../../src/sampler/cpu-sampler';
import { burn, burnInSlices } from './helpers';

/** Slots of the 1 kHz buffer: 2 per interval of the 1.28 s drain period. */
const SLOTS_AT_1KHZ = 2 * 1280;

let previousEarly = 0;
beforeEach(() => {
  // The sampler's one early read would drain the blocked test's buffer once.
  previousEarly = setCpuEarlyReadMillis(0);
});
afterEach(() => {
  setCpuEarlyReadMillis(previousEarly);
});

test('the drain period keeps the buffer within 120 KB at any rate, and never exceeds the configured one', () => {
  expect(drainMillisFor(10_000, 60_000)).toBe(12_800);
  expect(drainMillisFor(1000, 60_000)).toBe(1280);
  expect(drainMillisFor(100, 60_000)).toBe(128);
  // Low rates and short configured periods keep the configured period.
  expect(drainMillisFor(1_000_000, 60_000)).toBe(60_000);
  expect(drainMillisFor(10_000, 300)).toBe(300);
  // Never under the smallest period setCpuDrainMillis accepts (an interval below any valid rate's).
  expect(drainMillisFor(5, 60_000)).toBe(10);
});

test('native at 1 kHz: a loop blocked past 1.28 s keeps one buffer of samples (the buffer is sized by the shortened period)', () => {
  const w = openCpuWindow({ hz: 1000, backend: 'native' });
  burn(4000);
  const n = w.close().samples.length;
  // With the default minute-long period the buffer would have held all of them (about 4000).
  expect(n).toBeGreaterThan(SLOTS_AT_1KHZ / 2);
  expect(n).toBeLessThanOrEqual(SLOTS_AT_1KHZ + 2);
});

test('native at 1 kHz: the sampler reads V8\'s profile every 1.28 s, and a longer window keeps its samples, each once', async () => {
  let reads = 0;
  const unsubscribe = onCpuSamples(() => reads++);
  try {
    const w = openCpuWindow({ hz: 1000, backend: 'native' });
    const elapsed = await burnInSlices(4000, 20);
    const readsBeforeClose = reads;
    const raw = w.close();
    // Drains at about 1.28, 2.56 and 3.84 s (one may come late); the minute-long period had none.
    expect(readsBeforeClose).toBeGreaterThanOrEqual(2);
    const ts = [...raw.samples].map((s) => s.timestampMicros);
    expect(ts.length).toBeGreaterThan(SLOTS_AT_1KHZ / 2);
    // The samples cover the whole window, each once.
    expect((ts[ts.length - 1] - ts[0]) / 1000).toBeGreaterThanOrEqual(elapsed * 0.8);
    expect(new Set(ts).size).toBe(ts.length);
  } finally {
    unsubscribe();
  }
});
