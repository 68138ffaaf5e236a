/**
 * The samples of one read of V8's profile or of one window, a column per field. A 10 s window at
 * 100 Hz holds a thousand samples that live through a whole collection (rotation, heap read,
 * sliced build), across the app's scavenges. As one object each they were most of what a
 * collection left surviving them (180-193 KB as V8 counts it, against 9-22 KB as columns), and V8
 * grows its young generation by that count (bench/RESULTS.md, twentieth pass). Times, CPU and
 * flags sit in typed arrays outside the JS heap; stacks and contexts, each shared by many samples,
 * are stored once.
 */
import type { StackFrame } from '../pprof/model';
import { emptyObjectArray } from '../pprof/object-array';
import type { RawCpuSample } from './types';

type Stack = readonly StackFrame[];

const INITIAL_CAPACITY = 64;

export class RawCpuSamples implements Iterable<RawCpuSample> {
  /** How many samples there are. */
  length = 0;
  private _times: Float64Array;
  private _cpu: Float64Array;
  private _idle: Uint8Array;
  private _stackIds: Uint32Array;
  private _contextIds: Uint32Array;
  private readonly _stacks = new Interned<Stack>();
  /** Id 0 is `undefined`: a sample taken outside any context. */
  private readonly _contexts = new Interned<unknown>(undefined);

  /** @param capacity samples the columns hold before they grow (a known count saves the growing copies). */
  constructor(capacity = INITIAL_CAPACITY) {
    const n = Math.max(1, capacity);
    this._times = new Float64Array(n);
    this._cpu = new Float64Array(n);
    this._idle = new Uint8Array(n);
    this._stackIds = new Uint32Array(n);
    this._contextIds = new Uint32Array(n);
  }

  /** A column set holding `samples`, in their order (tests, the collection warm-up). */
  static of(samples: Iterable<RawCpuSample>): RawCpuSamples {
    const out = new RawCpuSamples();
    for (const s of samples) out.push(s.stack, s.timestampMicros, s.cpuNanos, s.idle, s.context);
    return out;
  }

  /** Appends one sample (see RawCpuSample for the fields). */
  push(stack: Stack, timestampMicros: number, cpuNanos: number, idle: boolean, context: unknown): void {
    if (this.length === this._times.length) this._grow(this.length * 2);
    const i = this.length++;
    this._times[i] = timestampMicros;
    this._cpu[i] = cpuNanos;
    this._idle[i] = idle ? 1 : 0;
    this._stackIds[i] = this._stacks.idOf(stack);
    this._contextIds[i] = this._contexts.idOf(context);
  }

  stackAt(i: number): Stack {
    return this._stacks.values[this._stackIds[i]];
  }

  timeAt(i: number): number {
    return this._times[i];
  }

  cpuAt(i: number): number {
    return this._cpu[i];
  }

  idleAt(i: number): boolean {
    return this._idle[i] === 1;
  }

  contextAt(i: number): unknown {
    return this._contexts.values[this._contextIds[i]];
  }

  /** Sample `i` as an object (a new one per call: for code that is not on a collection's path). */
  at(i: number): RawCpuSample {
    return { stack: this.stackAt(i), timestampMicros: this.timeAt(i), cpuNanos: this.cpuAt(i), idle: this.idleAt(i), context: this.contextAt(i) };
  }

  *[Symbol.iterator](): Iterator<RawCpuSample> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** The distinct stacks of the samples (each once). */
  stacks(): readonly Stack[] {
    return this._stacks.values;
  }

  /** Appends samples `from`.. of `other`. */
  appendFrom(other: RawCpuSamples, from = 0): void {
    for (let j = from; j < other.length; j++) this.push(other.stackAt(j), other.timeAt(j), other.cpuAt(j), other.idleAt(j), other.contextAt(j));
  }

  /** Samples `from`.. as a new column set. */
  sliceFrom(from: number): RawCpuSamples {
    const out = new RawCpuSamples();
    out.appendFrom(this, from);
    return out;
  }

  /** The samples with a time in [fromMicros, toMicros), as a new column set. */
  filterByTime(fromMicros: number, toMicros: number): RawCpuSamples {
    const out = new RawCpuSamples();
    for (let i = 0; i < this.length; i++) {
      const t = this._times[i];
      if (t >= fromMicros && t < toMicros) out.push(this.stackAt(i), t, this.cpuAt(i), this.idleAt(i), this.contextAt(i));
    }
    return out;
  }

  /** Orders the samples by time; samples of the same time keep their order. */
  sortByTime(): void {
    const n = this.length;
    const times = this._times;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = times[i - 1] <= times[i];
    if (sorted) return;
    const order = timeOrder(times, n);
    this._times = permute(times, order, new Float64Array(times.length));
    this._cpu = permute(this._cpu, order, new Float64Array(times.length));
    this._idle = permute(this._idle, order, new Uint8Array(times.length));
    this._stackIds = permute(this._stackIds, order, new Uint32Array(times.length));
    this._contextIds = permute(this._contextIds, order, new Uint32Array(times.length));
  }

  private _grow(capacity: number): void {
    this._times = copyInto(this._times, new Float64Array(capacity));
    this._cpu = copyInto(this._cpu, new Float64Array(capacity));
    this._idle = copyInto(this._idle, new Uint8Array(capacity));
    this._stackIds = copyInto(this._stackIds, new Uint32Array(capacity));
    this._contextIds = copyInto(this._contextIds, new Uint32Array(capacity));
  }
}

/** Values numbered in the order they first come: each is stored once, samples hold its number. */
class Interned<T> {
  readonly values: T[] = emptyObjectArray<T>();
  private readonly _ids = new Map<T, number>();

  /** @param first values numbered from 0 before any other. */
  constructor(...first: T[]) {
    for (const v of first) this.idOf(v);
  }

  idOf(value: T): number {
    let id = this._ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this._ids.set(value, id);
    }
    return id;
  }
}

type Column = Float64Array | Uint32Array | Uint8Array;

/** Samples one sort key can tell apart: a key is the time times this, plus the sample's index. */
const KEY_INDEX_SPAN = 2 ** 21;

/**
 * Indices 0..n-1 ordered by `times`, ties by index. Whole-microsecond times (both backends give
 * those) sort as one number per sample, time then index, by the typed array's own numeric sort: a
 * comparator is a JS call per comparison, 0.2-0.6 ms for the thousand samples of a 10 s window on
 * the rotation's synchronous step, and several ms while it was still cold (bench/RESULTS.md,
 * thirty-first pass). Other times (fractions, a span too long for the key) take the comparator.
 */
function timeOrder(times: Float64Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (t < min) min = t;
    if (t > max) max = t;
    whole = whole && Number.isInteger(t);
  }
  if (whole && n <= KEY_INDEX_SPAN && (max - min + 1) * KEY_INDEX_SPAN <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = (times[i] - min) * KEY_INDEX_SPAN + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i] % KEY_INDEX_SPAN;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => times[a] - times[b] || a - b);
}

function copyInto<T extends Column>(from: T, to: T): T {
  to.set(from.subarray(0, Math.min(from.length, to.length)));
  return to;
}

function permute<T extends Column>(from: T, order: Uint32Array, to: T): T {
  for (let i = 0; i < order.length; i++) to[i] = from[order[i]];
  return to;
}
