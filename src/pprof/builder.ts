import { InvalidArgumentError } from '../errors';
import { displayName } from './frame-names';
import type { Label, Location, Profile, PprofFunction, Sample, StackFrame, ValueType } from './model';
import { nowNanos } from './clock';
import { syntheticAddresses } from './synthetic-addresses';
import { emptyObjectArray } from './object-array';

/** Options of {@link ProfileBuilder}; everything but `sampleTypes` is optional. */
export interface ProfileBuilderOptions {
  /** What each value of a sample means, in order (e.g. `samples/count`, `cpu/nanoseconds`). */
  sampleTypes: ValueType[];
  /** Kind of events between samples; default none. */
  periodType?: ValueType;
  /** Events between samples, in `periodType` units; default 0. */
  period?: number;
  /** Profile start, nanoseconds since the epoch; default `nowNanos()` at construction (as Go). */
  timeNanos?: bigint;
  /** Window length in nanoseconds; default 0 (snapshot). */
  durationNanos?: number;
  /** Preferred sample type name; default '' (tools use the last type). */
  defaultSampleType?: string;
  /** Free-form comments; default none. */
  comments?: string[];
  /**
   * Keep string labels whose value is the empty string; default false (pprof readers drop them).
   * Go's goroutine profile keeps them: `# labels: {"k":""}` in its debug=1 text, and a label
   * with its key only (no `str`) in the proto, which is what the encoder writes for `str: ''`.
   */
  keepEmptyLabels?: boolean;
}

/** A distinct stack: its id and location ids (leaf first). */
interface StackEntry {
  id: number;
  locationIds: number[];
  /** Length of the array it was first seen as; a reused array that changed length is looked up again. */
  length: number;
}

/**
 * Builds a pprof {@link Profile} from stacks: deduplicates functions (name + file + start line)
 * and locations (function + line + column), gives each location a synthetic address (see
 * `syntheticAddresses`), and merges samples with the same stack and label set (label order
 * does not matter) by summing their values. Output order is first-seen order, so the same
 * sequence of calls always builds the same profile. Not thread-safe; one builder per profile.
 */
export class ProfileBuilder {
  private readonly _opts: ProfileBuilderOptions;
  private readonly _timeNanos: bigint;
  private readonly _functions = emptyObjectArray<PprofFunction>();
  private readonly _functionIds = new Map<string, number>();
  private readonly _locations = emptyObjectArray<Location>();
  private readonly _locationIds = new Map<string, number>();
  private readonly _frameIds = new Map<StackFrame, number>();
  private readonly _stackByArray = new WeakMap<readonly StackFrame[], StackEntry>();
  private readonly _stackByHash = new Map<number, StackEntry[]>();
  private _stackCount = 0;
  private readonly _samples = emptyObjectArray<Sample>();
  private readonly _sampleIndex = new Map<number | string, number>();

  /** Throws `InvalidArgumentError` if `sampleTypes` is empty. */
  constructor(opts: ProfileBuilderOptions) {
    if (!opts || !Array.isArray(opts.sampleTypes) || opts.sampleTypes.length === 0) {
      throw new InvalidArgumentError('ProfileBuilder: sampleTypes must be a non-empty array');
    }
    this._opts = opts;
    this._timeNanos = opts.timeNanos ?? nowNanos();
  }

  /**
   * Adds one observation. `stack` is leaf first; `values` has one number per sample type;
   * `labels` are string (`str`) or numeric (`num`, optional `numUnit`) labels. Labels with no
   * value are skipped, and so are those with an empty string value unless `keepEmptyLabels`
   * (pprof drops them anyway).
   * Throws `InvalidArgumentError` when `values.length` differs from the number of sample types.
   *
   * Stack arrays and frame objects are remembered by identity (samplers reuse them, and this is
   * what makes repeated stacks cheap): do not mutate them after passing them in.
   */
  addSample(stack: readonly StackFrame[], values: readonly number[], labels?: readonly Label[]): void {
    const n = this._opts.sampleTypes.length;
    if (values.length !== n) {
      throw new InvalidArgumentError(`ProfileBuilder.addSample: got ${values.length} values, want ${n} (one per sample type)`);
    }
    const entry = this._stack(stack);
    const kept = labels && labels.length > 0 ? keptLabels(labels, this._opts.keepEmptyLabels === true) : undefined;
    const key: number | string = kept ? `${entry.id}|${labelKey(kept)}` : entry.id;
    const index = this._sampleIndex.get(key);
    if (index !== undefined) {
      const sum = this._samples[index].values;
      for (let i = 0; i < n; i++) sum[i] += values[i];
      return;
    }
    this._sampleIndex.set(key, this._samples.length);
    this._samples.push({ locationIds: entry.locationIds, values: values.slice(), labels: kept ?? [] });
  }

  /** Number of distinct (stack, labels) samples so far. */
  get sampleCount(): number {
    return this._samples.length;
  }

  /** Returns the profile built so far. The builder can keep adding afterwards; the result is a snapshot. */
  build(): Profile {
    const o = this._opts;
    return {
      sampleTypes: o.sampleTypes.map((v) => ({ type: v.type, unit: v.unit })),
      samples: this._samples.map((s) => ({ locationIds: s.locationIds.slice(), values: s.values.slice(), labels: s.labels })),
      mappings: [],
      locations: this._locations.slice(),
      functions: this._functions.slice(),
      dropFrames: '',
      keepFrames: '',
      timeNanos: this._timeNanos,
      durationNanos: o.durationNanos ?? 0,
      periodType: o.periodType ? { type: o.periodType.type, unit: o.periodType.unit } : undefined,
      period: o.period ?? 0,
      comments: o.comments ? o.comments.slice() : [],
      defaultSampleType: o.defaultSampleType ?? '',
      docUrl: '',
    };
  }

  /**
   * A stack's entry (id and location ids). The same array object seen again is found by identity
   * first, since samplers reuse stack arrays for repeated stacks; otherwise by a hash of the
   * location ids. (Measured: a trie with one Map per node was GC-bound; joined-id string keys
   * were 3-5x slower than identity hits.)
   */
  private _stack(stack: readonly StackFrame[]): StackEntry {
    let entry = this._stackByArray.get(stack);
    if (entry !== undefined && entry.length === stack.length) return entry;
    const ids = new Array<number>(stack.length);
    let hash = 0x811c9dc5;
    for (let i = 0; i < stack.length; i++) {
      const id = this._locationOf(stack[i]);
      ids[i] = id;
      hash = Math.imul(hash ^ id, 0x01000193);
    }
    const bucket = this._stackByHash.get(hash);
    entry = bucket?.find((e) => sameIds(e.locationIds, ids));
    if (entry === undefined) {
      entry = { id: ++this._stackCount, locationIds: ids, length: ids.length };
      if (bucket) bucket.push(entry);
      else this._stackByHash.set(hash, [entry]);
    }
    this._stackByArray.set(stack, entry);
    return entry;
  }

  /** Location id of a frame; frame objects seen before are found by identity first (samplers reuse them). */
  private _locationOf(frame: StackFrame): number {
    const cached = this._frameIds.get(frame);
    if (cached !== undefined) return cached;
    const name = displayName(frame);
    const startLine = frame.startLine ?? 0;
    const key = `${name}\0${frame.fileName}\0${startLine}\0${frame.line}\0${frame.column}`;
    let id = this._locationIds.get(key);
    if (id === undefined) {
      id = this._locations.length + 1;
      this._locations.push({
        id,
        mappingId: 0,
        address: syntheticAddresses.addressOf(name, frame.fileName, startLine, frame.line, frame.column),
        lines: [{ functionId: this._functionOf(name, frame.fileName, startLine), line: frame.line, column: frame.column }],
        isFolded: false,
      });
      this._locationIds.set(key, id);
    }
    this._frameIds.set(frame, id);
    return id;
  }

  private _functionOf(name: string, filename: string, startLine: number): number {
    const key = `${name}\0${filename}\0${startLine}`;
    let id = this._functionIds.get(key);
    if (id === undefined) {
      id = this._functions.length + 1;
      this._functions.push({ id, name, systemName: name, filename, startLine });
      this._functionIds.set(key, id);
    }
    return id;
  }
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Labels pprof would keep, copied and sorted by key then value (so order does not matter). */
function keptLabels(labels: readonly Label[], keepEmpty: boolean): Label[] | undefined {
  const out: Label[] = [];
  for (const l of labels) {
    if (l.str !== undefined && (l.str !== '' || keepEmpty)) out.push({ key: l.key, str: l.str });
    else if (l.str === undefined && typeof l.num === 'number') {
      out.push(l.numUnit ? { key: l.key, num: l.num, numUnit: l.numUnit } : { key: l.key, num: l.num });
    }
  }
  if (out.length === 0) return undefined;
  if (out.length > 1) out.sort(compareLabels);
  return out;
}

function compareLabels(a: Label, b: Label): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  const av = labelValue(a);
  const bv = labelValue(b);
  return av === bv ? 0 : av < bv ? -1 : 1;
}

function labelValue(l: Label): string {
  return l.str !== undefined ? `s${l.str}` : `n${l.num}\0${l.numUnit ?? ''}`;
}

function labelKey(sorted: Label[]): string {
  let key = '';
  for (const l of sorted) key += labelIdentity(l);
  return key;
}

/**
 * One label as a string that no other label (or sequence of labels) can spell: every part is
 * length-prefixed, so keys and values may hold any character, separators included.
 */
export function labelIdentity(l: Label): string {
  const unit = l.numUnit ?? '';
  return l.str !== undefined
    ? `${l.key.length}:${l.key}s${l.str.length}:${l.str}`
    : `${l.key.length}:${l.key}n${l.num}:${unit.length}:${unit}`;
}

