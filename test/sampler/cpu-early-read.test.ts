/**
 * The sampler reads V8's profile on its own shortly after sampling starts: the first read of a
 * profile costs more than later ones, and this takes it out of the first collection a consumer
 * makes. With the native backend the reads go on at the same delay while its walk of V8's trees is
 * cold (until it has read a number of nodes, or a number of reads were made). A read hands its
 * samples to the open windows like any other, so no window loses or repeats a sample.
 */
import { cpuSamplerState, onCpuSamples, openCpuWindow } from '../../src/sampler';
import { setCpuEarlyReadMillis, setCpuEarlyReadWarmUp } from '../../src/sampler/cpu-sampler';
import type { EarlyReadWarmUp } from '../../src/sampler/cpu-sampler';
import { nativeNodesWalked } from '../../src/sampler/native-cpu';
import type { RawCpuWindow } from '../../src/sampler';
import { InvalidArgumentError } from '../../src/errors';
import { burnInSlices } from './helpers';

const EARLY_MILLIS = 150;

let previous = 0;
let previousWarmUp: EarlyReadWarmUp | undefined;
beforeEach(() => {
  previous = setCpuEarlyReadMillis(EARLY_MILLIS);
  previousWarmUp = setCpuEarlyReadWarmUp({ warmNodes: 0, maxReads: 20, minReadNodes: 0 });
});
afterEach(() => {
  setCpuEarlyReadMillis(previous);
  if (previousWarmUp) setCpuEarlyReadWarmUp(previousWarmUp);
});

/** Burns CPU in 10 ms slices, letting timers run between them, until `done()` or `ms` passed. */
const busyUntil = (done: () => boolean, ms: number): Promise<number> => burnInSlices(ms, 10, done);

/** The timestamps of a window's samples, checked to be in order and each once. */
function timesInOrder(raw: RawCpuWindow): number[] {
  const ts = [...raw.samples].map((s) => s.timestampMicros);
  expect(new Set(ts).size).toBe(ts.length);
  for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
  return ts;
}

describe.each(['native', 'inspector'] as const)('%s backend', (backend) => {
  test('one read comes on its own after the delay; the window keeps every sample once', async () => {
    // The native walk counts as warm from its first read: one early read, as the inspector's.
    if (backend === 'inspector') setCpuEarlyReadWarmUp({ warmNodes: Infinity, maxReads: 20, minReadNodes: 0 });
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
      // The window got the early read's samples and the later ones, each once, in order.
      const ts = timesInOrder(raw);
      expect(ts.slice(0, early.length)).toEqual(early);
      expect(ts.length).toBeGreaterThan(early.length);
    } finally {
      unsubscribe();
    }
  });
});

describe('native backend, walk still cold', () => {
  test('early reads go on at the delay up to the cap; the window keeps every sample once', async () => {
    setCpuEarlyReadWarmUp({ warmNodes: Infinity, maxReads: 3, minReadNodes: 0 });
    const reads: Array<{ raw: RawCpuWindow; atMillis: number }> = [];
    const opened = Date.now();
    const unsubscribe = onCpuSamples((raw) => reads.push({ raw, atMillis: Date.now() - opened }));
    try {
      const w = openCpuWindow({ hz: 100, backend: 'native' });
      await busyUntil(() => reads.length >= 3, 10_000);
      expect(reads.length).toBe(3);
      for (let i = 0; i < 3; i++) expect(reads[i].atMillis).toBeGreaterThanOrEqual((i + 1) * EARLY_MILLIS - 1);
      // The cap reached: no more reads on their own.
      await busyUntil(() => false, 3 * EARLY_MILLIS);
      expect(reads.length).toBe(3);
      const early = reads.flatMap((r) => [...r.raw.samples].map((s) => s.timestampMicros));
      const raw = w.close();
      const ts = timesInOrder(raw);
      expect(ts.slice(0, early.length)).toEqual(early);
      expect(ts.length).toBeGreaterThan(early.length);
    } finally {
      unsubscribe();
    }
  });

  /** Opens a native window; exactly one early read may come. `atFirst` sees it when it comes. */
  async function expectOneEarlyRead(atFirst: (first: RawCpuWindow) => void = () => undefined): Promise<void> {
    const reads: RawCpuWindow[] = [];
    const unsubscribe = onCpuSamples((raw) => reads.push(raw));
    try {
      const w = openCpuWindow({ hz: 100, backend: 'native' });
      await busyUntil(() => reads.length > 0, 5000);
      atFirst(reads[0]);
      await busyUntil(() => false, 3 * EARLY_MILLIS);
      expect(reads.length).toBe(1);
      w.close();
    } finally {
      unsubscribe();
    }
  }

  test('early reads stop at a read of a small tree', async () => {
    // No read has this many nodes: the first read is the only one, though the walk is not warm.
    setCpuEarlyReadWarmUp({ warmNodes: Infinity, maxReads: 20, minReadNodes: Infinity });
    await expectOneEarlyRead();
  });

  test('early reads stop once the walk has read its number of nodes', async () => {
    const before = nativeNodesWalked();
    // Warm after the first read's nodes, whatever their number: one read although the cap is 20.
    setCpuEarlyReadWarmUp({ warmNodes: before + 1, maxReads: 20, minReadNodes: 0 });
    await expectOneEarlyRead((first) => {
      // The walk counted at least one node per frame of the deepest stack it read.
      const deepest = Math.max(0, ...[...first.samples].map((s) => s.stack.length));
      expect(deepest).toBeGreaterThan(0);
      expect(nativeNodesWalked() - before).toBeGreaterThanOrEqual(deepest);
    });
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

test('a bad delay or warm-up is refused with the value and the rule', () => {
  expect(() => setCpuEarlyReadMillis(-1)).toThrow(InvalidArgumentError);
  expect(() => setCpuEarlyReadMillis(1.5)).toThrow('early read delay must be an integer of at least 0 ms (actual: 1.5)');
  expect(() => setCpuEarlyReadWarmUp({ warmNodes: -1, maxReads: 3, minReadNodes: 0 })).toThrow('early read warmNodes must be an integer of at least 0 or Infinity (actual: -1)');
  expect(() => setCpuEarlyReadWarmUp({ warmNodes: 10, maxReads: 0, minReadNodes: 0 })).toThrow('early read maxReads must be an integer of at least 1 or Infinity (actual: 0)');
  expect(() => setCpuEarlyReadWarmUp({ warmNodes: 10, maxReads: 3, minReadNodes: 0.5 })).toThrow('early read minReadNodes must be an integer of at least 0 or Infinity (actual: 0.5)');
});
