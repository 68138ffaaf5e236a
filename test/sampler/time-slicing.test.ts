/**
 * Building a profile from a long window must not hold the event loop for the whole build: the
 * CPU and heap builders cut their loops into turns (TimeSlice), and source maps load one file per
 * turn. Checked by counting how often an app task (a self-rescheduling setImmediate) runs while
 * the build is in progress, and by the output still holding every sample.
 */
import { buildCpuProfile, buildHeapProfile, RawCpuSamples } from '../../src/sampler';
import type { RawCpuWindow, RawHeapRecord, RawHeapSnapshot } from '../../src/sampler/types';
import type { StackFrame } from '../../src/pprof/model';
import { TimeSlice, yieldToEventLoop } from '../../src/pprof';

/** Counts app turns until `work` settles. */
async function appTurnsDuring<T>(work: Promise<T>): Promise<{ turns: number; result: T }> {
  let turns = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work;
  done = true;
  return { turns, result };
}

/** `n` distinct stacks of depth 20 over 2,000 distinct frames, in files no source map covers. */
function stacks(n: number): StackFrame[][] {
  const frames: StackFrame[] = [];
  for (let i = 0; i < 2000; i++) frames.push({ functionName: `fn${i}`, fileName: '', line: i + 1, column: 1 });
  const out: StackFrame[][] = [];
  for (let s = 0; s < n; s++) out.push(Array.from({ length: 20 }, (_, d) => frames[(s * 7 + d * 13) % 2000]));
  return out;
}

/** How many different stacks (by frame content) are in `st`. */
function distinct(st: readonly StackFrame[][]): number {
  return new Set(st.map((s) => s.map((f) => f.line).join(','))).size;
}

test('a 200,000-sample CPU window is built over many turns, and keeps every sample', async () => {
  const st = stacks(5000);
  const samples = new RawCpuSamples();
  for (let i = 0; i < 200_000; i++) samples.push(st[i % st.length], i, 10_000_000, false, undefined);
  const w: RawCpuWindow = {
    startNanos: 0n, endNanos: 2_000_000_000_000n, intervalNanos: 10_000_000, hasCpuTime: true, backend: 'native', samples,
  };
  const { turns, result } = await appTurnsDuring(buildCpuProfile(w, 'cpu', { sourceMaps: false }));
  // Building 200,000 samples takes far longer than one 2 ms slice on any machine.
  expect(turns).toBeGreaterThan(5);
  expect(result.samples).toHaveLength(distinct(st));
  expect(result.samples.reduce((a, s) => a + s.values[0], 0)).toBe(200_000);
});

test('a heap snapshot with 100,000 records is built over many turns, and keeps every record', async () => {
  const st = stacks(100_000);
  const records: RawHeapRecord[] = st.map((stack) => ({ stack, inuseObjects: 2, inuseBytes: 64, allocObjects: 2, allocBytes: 64 }));
  const snap: RawHeapSnapshot = { mode: 'heap', intervalBytes: 524_288, timeNanos: 1n, hasInuse: true, records };
  const { turns, result } = await appTurnsDuring(buildHeapProfile(snap, 'heap'));
  expect(turns).toBeGreaterThan(5);
  expect(result.samples).toHaveLength(distinct(st));
  expect(result.samples.reduce((a, s) => a + s.values[3], 0)).toBe(6_400_000);
});

test('TimeSlice: due only after its budget is spent; next() leaves the loop and starts a new budget', async () => {
  // A budget long enough that the test thread losing its core for a moment (2 cores, parallel
  // jest workers) cannot spend it between two lines.
  const slice = new TimeSlice(50);
  expect(slice.due).toBe(false);
  const end = performance.now() + 55;
  while (performance.now() < end) {
    // Spend the budget.
  }
  expect(slice.due).toBe(true);
  let ran = false;
  setImmediate(() => { ran = true; });
  await slice.next();
  expect(ran).toBe(true);
  expect(slice.due).toBe(false);
  await yieldToEventLoop();
});
