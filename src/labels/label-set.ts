/**
 * `LabelSet`: Go's `pprof.LabelSet`, an immutable set of string key/value pairs sorted by key.
 */
import { InvalidArgumentError } from '../errors';
import type { Label } from '../pprof/model';
import { compareGoStrings } from '../pprof/go-string-order';
import { UnevenLabelsError } from './errors';

// Shared by every copy of otelprof in the process, so a LabelSet made by one copy is accepted by another.
const LABEL_SET_BRAND: unique symbol = Symbol.for('otelprof.LabelSet') as never;

/**
 * An immutable set of profiler labels (string key -> string value), sorted by key in Go's order
 * (UTF-8 bytes), each key at most once. Build one with {@link labels}; combine with
 * {@link LabelSet.merge}. Instances are shared freely (contexts, caches, samples): nothing ever
 * mutates one.
 */
export class LabelSet {
  /** The set with no labels. */
  static readonly EMPTY: LabelSet = new LabelSet([]);

  private readonly _keys: readonly string[];
  private readonly _values: readonly string[];
  // Lazily built views and merge results: hot paths (sample tagging) reuse them for free.
  private _pprof: readonly Label[] | undefined;
  private _pprofAll: readonly Label[] | undefined;
  private _text: string | undefined;
  private _merged: WeakMap<LabelSet, LabelSet> | undefined;

  /**
   * Builds a set from key/value pairs in any order; for a repeated key the last pair wins.
   * Prefer {@link labels}, which also validates its arguments.
   */
  constructor(pairs: ReadonlyArray<readonly [string, string]>) {
    const n = pairs.length;
    let ascending = true;
    for (let i = 1; i < n && ascending; i++) ascending = compareGoStrings(pairs[i - 1][0], pairs[i][0]) < 0;
    if (ascending) {
      // The usual case (one pair, or keys written in order): no map, no sort. It runs on every
      // `labels()` of a request handler, and what it allocates grows V8's young generation.
      const keys = new Array<string>(n);
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        keys[i] = pairs[i][0];
        values[i] = pairs[i][1];
      }
      this._keys = Object.freeze(keys);
      this._values = Object.freeze(values);
      return;
    }
    const byKey = new Map<string, string>();
    for (const [k, v] of pairs) byKey.set(k, v);
    const keys = [...byKey.keys()].sort(compareGoStrings);
    this._keys = Object.freeze(keys);
    this._values = Object.freeze(keys.map((k) => byKey.get(k) as string));
  }

  /**
   * Whether `x` is a LabelSet, including one made by another copy of otelprof loaded in the same
   * process (where `instanceof` would say no).
   */
  static isLabelSet(x: unknown): x is LabelSet {
    return x instanceof LabelSet || (typeof x === 'object' && x !== null && (x as { [LABEL_SET_BRAND]?: unknown })[LABEL_SET_BRAND] === true);
  }

  /** Brand read by {@link LabelSet.isLabelSet}. */
  get [LABEL_SET_BRAND](): true {
    return true;
  }

  /** Number of labels. */
  get size(): number {
    return this._keys.length;
  }

  /** The value of `key`, or `undefined` when the set has no such label. */
  get(key: string): string | undefined {
    const i = this._indexOf(key);
    return i < 0 ? undefined : this._values[i];
  }

  /** Whether the set has a label named `key`. */
  has(key: string): boolean {
    return this._indexOf(key) >= 0;
  }

  /** Key/value pairs in key order. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let i = 0; i < this._keys.length; i++) yield [this._keys[i], this._values[i]];
  }

  /** A plain object copy (`{ key: value }`), in key order. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this._keys.length; i++) out[this._keys[i]] = this._values[i];
    return out;
  }

  /**
   * This set overridden by `overrides`: keys of both, `overrides`' value winning on a shared key
   * (Go's `WithLabels`). Returns `this` or `overrides` unchanged when one adds nothing, and the
   * same object for the same pair of sets (cached), so repeated merges cost one map lookup.
   */
  merge(overrides: LabelSet): LabelSet {
    if (overrides.size === 0 || overrides === this) return this;
    if (this.size === 0) return overrides;
    const cached = this._merged?.get(overrides);
    if (cached !== undefined) return cached;
    const pairs: Array<[string, string]> = [...this, ...overrides];
    let result: LabelSet = new LabelSet(pairs);
    if (result.equals(overrides)) result = overrides;
    (this._merged ??= new WeakMap()).set(overrides, result);
    return result;
  }

  /** Whether both sets hold the same pairs. */
  equals(other: LabelSet): boolean {
    if (other === this) return true;
    if (other.size !== this.size) return false;
    for (let i = 0; i < this._keys.length; i++) {
      if (this._keys[i] !== other._keys[i] || this._values[i] !== other._values[i]) return false;
    }
    return true;
  }

  /**
   * The labels as pprof string labels (`{ key, str }`), in key order, cached. Empty values are
   * left out (pprof drops labels whose value is the empty string anyway) unless `keepEmpty`: Go's
   * goroutine profile keeps them (`# labels: {"k":""}`).
   */
  toPprofLabels(keepEmpty = false): readonly Label[] {
    if (this._pprof === undefined || this._pprofAll === undefined) {
      const all = this._keys.map((key, i) => Object.freeze({ key, str: this._values[i] }));
      const kept = all.filter((l) => l.str !== '');
      this._pprofAll = Object.freeze(all);
      this._pprof = kept.length === all.length ? this._pprofAll : Object.freeze(kept);
    }
    return keepEmpty ? this._pprofAll : this._pprof;
  }

  /** Go's `labelMap.String()`: `{"k1":"v1", "k2":"v2"}`, sorted by key. */
  toString(): string {
    if (this._text === undefined) {
      const parts: string[] = [];
      for (let i = 0; i < this._keys.length; i++) {
        parts.push(`${JSON.stringify(this._keys[i])}:${JSON.stringify(this._values[i])}`);
      }
      this._text = `{${parts.join(', ')}}`;
    }
    return this._text;
  }

  /**
   * Internal: a string equal for sets with the same pairs and different otherwise (cheaper than
   * {@link toString}), for consumers that intern sets by content.
   */
  contentKey(): string {
    let k = '';
    // A key or value may hold any character; length prefixes keep the encoding unambiguous.
    for (let i = 0; i < this._keys.length; i++) k += `${this._keys[i].length}:${this._keys[i]}${this._values[i].length}:${this._values[i]}`;
    return k;
  }

  private _indexOf(key: string): number {
    let lo = 0;
    let hi = this._keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareGoStrings(this._keys[mid], key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/**
 * Go's `pprof.Labels(k1, v1, k2, v2, ...)`: a {@link LabelSet} from alternating keys and values.
 * A key given twice keeps its last value. `labels()` is the empty set.
 *
 * @throws UnevenLabelsError (`PPROF_ERR_UNEVEN_LABELS`, `uneven number of arguments to pprof.Labels`)
 *   for an odd number of arguments.
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if an argument is not a string.
 */
export function labels(...keyValues: string[]): LabelSet {
  if (keyValues.length % 2 !== 0) throw new UnevenLabelsError();
  if (keyValues.length === 0) return LabelSet.EMPTY;
  let ascending = true;
  for (let i = 0; i < keyValues.length; i += 2) {
    checkString(keyValues[i], i, 'key');
    checkString(keyValues[i + 1], i + 1, 'value');
    if (i > 0 && ascending) ascending = compareGoStrings(keyValues[i - 2], keyValues[i]) < 0;
  }
  // Keys in order (one pair always is): the set may already exist, as a request handler's
  // `labels('route', r)` makes the same few sets over and over.
  const node = ascending ? internNode(keyValues) : undefined;
  if (node?.set !== undefined) return node.set;
  // Sized up front: a pushed-to empty array reserves 17 slots.
  const pairs = new Array<[string, string]>(keyValues.length / 2);
  for (let i = 0; i < keyValues.length; i += 2) pairs[i / 2] = [keyValues[i], keyValues[i + 1]];
  const set = new LabelSet(pairs);
  if (node !== undefined) {
    node.set = set;
    internedSets++;
  }
  return set;
}

/**
 * Sets made by `labels()` with keys in order, by their pairs: a trie of key -> value -> node.
 * Sharing one immutable set per content lets every per-set cache downstream (merges, the
 * sampler's per-content value, its native holder) hit, and spares a request handler's
 * `labels()` its allocations.
 */
interface InternNode {
  set?: LabelSet;
  next?: Map<string, Map<string, InternNode>>;
}

/**
 * Bound of the trie: at this many sets it starts over, so high-cardinality values (request ids)
 * cannot grow it without end. Full, with what the sets carry once run with (`runWithLabels`:
 * their root context, the sampler's per-content value), it holds about 0.2 MB of JS heap on
 * Node 20 and 0.5 MB on Node 24 (measured, two pairs of short strings per set).
 */
export const MAX_INTERNED_SETS = 256;
let internRoot: InternNode = {};
let internedSets = 0;

/** The trie node for these (validated, key-ordered) pairs, created if missing. */
function internNode(keyValues: readonly string[]): InternNode {
  if (internedSets >= MAX_INTERNED_SETS) {
    internRoot = {};
    internedSets = 0;
  }
  let node = internRoot;
  for (let i = 0; i < keyValues.length; i += 2) {
    const next = (node.next ??= new Map());
    let byValue = next.get(keyValues[i]);
    if (byValue === undefined) next.set(keyValues[i], (byValue = new Map()));
    let child = byValue.get(keyValues[i + 1]);
    if (child === undefined) byValue.set(keyValues[i + 1], (child = {}));
    node = child;
  }
  return node;
}

/** How many sets `labels()` holds for reuse now (tests, diagnostics). */
export function internedLabelSets(): number {
  return internedSets;
}

function checkString(x: unknown, index: number, what: string): void {
  if (typeof x !== 'string') {
    throw new InvalidArgumentError(`labels: argument ${index} (a ${what}) must be a string (got ${typeof x})`);
  }
}
