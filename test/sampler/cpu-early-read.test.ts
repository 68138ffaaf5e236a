/**
 * The sampler reads V8's profile once on its own shortly after sampling starts: the first read of
 * a profile costs more than later ones, and this takes it out of the first collection a consumer
 * makes. The read hands its samples to the open windows like any other, so no window loses or
 * repeats a sample.
 */
import { cpuSamplerState, onCpuSamples, openCpuWindow } from '../../src/sampler';
import { setCpuEarlyReadMillis } from '../../src/sampler/cpu-sampler';
import type { RawCpuWindow } from '../../src/sampler';
import { InvalidArgumentError } from '../../src/errors';
import { burnInSlices } from './helpers';

const EARLY_MILLIS = 150;

let previous = 0;
beforeEach(() => {
  previous = setCpuEarlyReadMillis(EARLY_MILLIS);
});
afterEach(() => {
  setCpuEarlyReadMillis(previous);
});

/** Burns CPU in 10 ms slices, letting timers run between them, until `done()` or `ms` passed. */
const busyUntil = (done: () => boolean, ms: number): Promise<number> => burnInSlices(ms, 10, done);

describe.each(['native', 'inspector'] as const)('%s backend', (backend) => {
  test('one read comes on its own after the delay; the window keeps every sample once', async () => {
    const reads: Array<{ raw: RawCpuWindow; atMillis: number }> = [];
    const opened = Date.now();
    const unsubscribe = onCpuSamples((raw) => reads.push({ raw, atMillis: Date.now() - opened }));
    try {
      const w = openCpuWindow({ hz: 100, backend });
      await busyUntil(() => reads.length > 0, 5000);
      // Nobody rotated: the one read so far is the sampler's own, not before its delay.
      expect(reads.length).toBe(1);
      expect(reads[0].atMillis).toBeGreaterThanOrEqual(EARLY_MILLIS - 1);
      expect(reads[0].raw.samples.length).toBeGreaterThan(0);
      await busyUntil(() => false, 3 * EARLY_MILLIS);
      const raw = w.close();
      // Only one early read per start; then the close.
      expect(reads.length).toBe(2);
      const early = [...reads[0].raw.samples].map((s) => s.timestampMicros);
      const ts = [...raw.samples].map((s) => s.timestampMicros);
      // The window got the early read's samples and the later ones, each once, in order.
      expect(ts.slice(0, early.length)).toEqual(early);
      expect(ts.length).toBeGreaterThan(early.length);
      expect(new Set(ts).size).toBe(ts.length);
      for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
    } finally {
      unsubscribe();
    }
  });
});

test('a window closed before the delay leaves no read behind; 0 turns the early read off', async () => {
  const reads: RawCpuWindow[] = [];
  const unsubscribe = onCpuSamples((raw) => reads.push(raw));
  try {
    openCpuWindow({ hz: 100, backend: 'native' }).close();
    expect(reads.length).toBe(1);
    // The next sampling starts without an early read; its run outlasts the first one's delay.
    setCpuEarlyReadMillis(0);
    const w = openCpuWindow({ hz: 100, backend: 'native' });
    await busyUntil(() => false, 3 * EARLY_MILLIS);
    expect(reads.length).toBe(1);
    w.close();
    expect(reads.length).toBe(2);
    expect(cpuSamplerState().running).toBe(false);
  } finally {
    unsubscribe();
  }
});

test('a bad delay is refused with the value and the rule', () => {
  expect(() => setCpuEarlyReadMillis(-1)).toThrow(InvalidArgumentError);
  expect(() => setCpuEarlyReadMillis(1.5)).toThrow('early read delay must be an integer of at least 0 ms (actual: 1.5)');
});
