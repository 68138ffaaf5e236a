/**
 * The column form of a window's samples: what goes in comes out, in order, across growth,
 * appends from other column sets (with their own stack and context tables), slices, time filters
 * and the sort by time the native backend needs (its tree walk yields samples in stack order).
 */
import { RawCpuSamples } from '../../src/sampler';
import type { RawCpuSample } from '../../src/sampler/types';
import type { StackFrame } from '../../src/pprof/model';

const frame = (name: string): StackFrame => ({ functionName: name, fileName: '/app.js', line: 1, column: 1 });
const stackA = Object.freeze([frame('a')]);
const stackB = Object.freeze([frame('b'), frame('main')]);
const ctx1 = { id: 1 };
const ctx2 = { id: 2 };

function sample(i: number, over: Partial<RawCpuSample> = {}): RawCpuSample {
  return { stack: i % 2 === 0 ? stackA : stackB, timestampMicros: 1_700_000_000_000_000 + i * 10_000.5, cpuNanos: i * 1000 + 0.25, idle: i % 5 === 0, context: [undefined, ctx1, ctx2][i % 3], ...over };
}

test('every field of every sample comes back as pushed, past the initial capacity', () => {
  const input = Array.from({ length: 1000 }, (_, i) => sample(i));
  const s = RawCpuSamples.of(input);
  expect(s.length).toBe(1000);
  expect([...s]).toEqual(input);
  // Shared values come back as the same objects (stacks are compared by identity downstream).
  expect(s.stackAt(0)).toBe(stackA);
  expect(s.stackAt(1)).toBe(stackB);
  expect(s.contextAt(1)).toBe(ctx1);
  expect(s.contextAt(0)).toBeUndefined();
  expect(s.timeAt(999)).toBe(input[999].timestampMicros);
  expect(s.cpuAt(7)).toBe(7000.25);
  expect(s.idleAt(5)).toBe(true);
  expect(s.idleAt(6)).toBe(false);
  expect(s.stacks()).toEqual([stackA, stackB]);
});

test('an empty column set iterates nothing and has no stacks', () => {
  const s = new RawCpuSamples();
  expect(s.length).toBe(0);
  expect([...s]).toEqual([]);
  expect(s.stacks()).toEqual([]);
  s.sortByTime();
  expect(s.length).toBe(0);
});

test('appendFrom copies from another set with its own tables, from an index on', () => {
  const other = new RawCpuSamples();
  const stackC = Object.freeze([frame('c')]);
  const ctx3 = { id: 3 };
  other.push(stackC, 5, 1, false, ctx3);
  other.push(stackA, 6, 2, true, undefined);
  other.push(stackC, 7, 3, false, ctx1);
  const s = RawCpuSamples.of([sample(0), sample(1)]);
  s.appendFrom(other, 1);
  expect([...s].map((x) => [x.stack, x.timestampMicros, x.cpuNanos, x.idle, x.context])).toEqual([
    [stackA, sample(0).timestampMicros, sample(0).cpuNanos, true, undefined],
    [stackB, sample(1).timestampMicros, sample(1).cpuNanos, false, ctx1],
    [stackA, 6, 2, true, undefined],
    [stackC, 7, 3, false, ctx1],
  ]);
  expect(s.stacks()).toEqual([stackA, stackB, stackC]);
  // The source is not changed.
  expect(other.length).toBe(3);
  expect(other.contextAt(0)).toBe(ctx3);
});

test('appendFrom of many sets grows the target as needed', () => {
  const s = new RawCpuSamples();
  for (let k = 0; k < 30; k++) s.appendFrom(RawCpuSamples.of(Array.from({ length: 50 }, (_, i) => sample(k * 50 + i))));
  expect(s.length).toBe(1500);
  expect([...s]).toEqual(Array.from({ length: 1500 }, (_, i) => sample(i)));
});

test('sliceFrom and filterByTime return new sets holding only their samples and stacks', () => {
  const s = RawCpuSamples.of([
    { stack: stackA, timestampMicros: 10, cpuNanos: 1, idle: false, context: undefined },
    { stack: stackB, timestampMicros: 20, cpuNanos: 2, idle: false, context: ctx1 },
    { stack: stackB, timestampMicros: 30, cpuNanos: 3, idle: true, context: ctx2 },
  ]);
  const tail = s.sliceFrom(1);
  expect([...tail].map((x) => x.timestampMicros)).toEqual([20, 30]);
  expect(tail.stacks()).toEqual([stackB]);
  expect(s.sliceFrom(3).length).toBe(0);
  // [from, to): the end is left out.
  const mid = s.filterByTime(20, 30);
  expect([...mid]).toEqual([{ stack: stackB, timestampMicros: 20, cpuNanos: 2, idle: false, context: ctx1 }]);
  expect(s.filterByTime(-Infinity, Infinity).length).toBe(3);
  expect(s.length).toBe(3);
});

test('sortByTime orders by time and keeps the order of samples with the same time', () => {
  const input = [
    { stack: stackA, timestampMicros: 30, cpuNanos: 1, idle: false, context: ctx1 },
    { stack: stackB, timestampMicros: 10, cpuNanos: 2, idle: true, context: undefined },
    { stack: stackA, timestampMicros: 20, cpuNanos: 3, idle: false, context: ctx2 },
    { stack: stackB, timestampMicros: 10, cpuNanos: 4, idle: false, context: ctx1 },
  ];
  const s = RawCpuSamples.of(input);
  s.sortByTime();
  expect([...s]).toEqual([input[1], input[3], input[2], input[0]]);
  // Still appendable after the sort replaced its columns.
  s.push(stackA, 40, 5, false, undefined);
  expect(s.timeAt(4)).toBe(40);
  expect(s.length).toBe(5);
});

test('sortByTime of 5,000 samples in stack order gives the time order', () => {
  const times = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
  const s = new RawCpuSamples();
  times.forEach((t, i) => s.push(i % 2 === 0 ? stackA : stackB, t, i, false, undefined));
  s.sortByTime();
  const out = [...s];
  expect(out.map((x) => x.timestampMicros)).toEqual([...times].sort((a, b) => a - b));
  // Each sample's other fields moved with its time.
  for (const x of out) expect(x.stack).toBe(times.indexOf(x.timestampMicros) % 2 === 0 ? stackA : stackB);
});

/** The order a stable sort by time gives, as [time, cpu] pairs (cpu numbers the pushed samples). */
function stableTimeOrder(times: number[]): Array<[number, number]> {
  return times.map((t, i): [number, number] => [t, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function sortedPairs(times: number[]): Array<[number, number]> {
  const s = new RawCpuSamples();
  times.forEach((t, i) => s.push(i % 3 === 0 ? stackA : stackB, t, i, i % 4 === 0, i % 2 === 0 ? ctx1 : undefined));
  s.sortByTime();
  const out = [...s];
  // Every field moved with its sample (cpu numbers the samples as pushed).
  for (const x of out) {
    expect(x.stack).toBe(x.cpuNanos % 3 === 0 ? stackA : stackB);
    expect(x.idle).toBe(x.cpuNanos % 4 === 0);
    expect(x.context).toBe(x.cpuNanos % 2 === 0 ? ctx1 : undefined);
  }
  return out.map((x) => [x.timestampMicros, x.cpuNanos]);
}

// A deterministic shuffle source, so a failure reproduces.
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

test('sortByTime of whole epoch microseconds with repeated times keeps ties in push order', () => {
  const rnd = lcg(7);
  // A 10 s window's epoch times, many of them shared (the addon's samples come node by node).
  const times = Array.from({ length: 3000 }, () => 1_733_000_000_000_000 + Math.floor(rnd() * 1000) * 10_000);
  expect(sortedPairs(times)).toEqual(stableTimeOrder(times));
});

test('sortByTime of fractional times and of a span too long for one key still orders by time, ties in push order', () => {
  const rnd = lcg(11);
  const fractional = Array.from({ length: 500 }, () => 1_733_000_000_000_000 + Math.floor(rnd() * 50) * 0.5);
  expect(sortedPairs(fractional)).toEqual(stableTimeOrder(fractional));
  // Two times 2^33 µs (about 95 minutes) apart: past what a time-and-index key holds exactly.
  const far = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? 2 ** 33 : 0) + Math.floor(rnd() * 20));
  expect(sortedPairs(far)).toEqual(stableTimeOrder(far));
  const withNaN = [30, Number.NaN, 10, 20, 10];
  const s = new RawCpuSamples();
  withNaN.forEach((t, i) => s.push(stackA, t, i, false, undefined));
  s.sortByTime();
  // The finite times in order; where NaN lands is the comparator's (it compares as equal).
  expect([...s].map((x) => x.timestampMicros).filter((t) => !Number.isNaN(t))).toEqual([10, 10, 20, 30]);
  expect(s.length).toBe(5);
});
