/**
 * Sample contexts: what each CPU/wall sample carries besides its stack. The sampler does not know
 * about labels or spans; layers above register *sources* (user labels from `src/labels`, span ids
 * from `src/otel`). On every context switch the bridge asks each source for its current value;
 * the values are combined into one cached object (the same inputs always give the same object, so
 * propagation allocates nothing once the caches are warm). At serialization time each source turns
 * its value back into pprof labels.
 */
import type { Context } from '@opentelemetry/api';
import type { Label } from '../pprof/model';

/**
 * A provider of per-sample data. `current` runs on every async context switch while CPU profiling
 * runs: it must be cheap and return the same object for the same state (no allocation).
 */
export interface SampleContextSource<T extends object = object> {
  /** The value for the running code (`active` is `context.active()`), or undefined for none. */
  current(active: Context): T | undefined;
  /** The pprof labels a value stands for; called once per distinct value when a profile is built. */
  labels(value: T): readonly Label[];
}

/** A combination of several sources' values (one slot per registered source). */
interface Combined {
  readonly parts: ReadonlyArray<object | undefined>;
}

const NONE = {};
let sources: Array<SampleContextSource<object>> = [];
let version = 0;
// A trie of WeakMaps keyed by each source's value, ending in the cached `Combined` object.
let combos = new WeakMap<object, unknown>();

/**
 * Registers a source of per-sample data; returns a function that unregisters it. Registering the
 * same source twice is a no-op. Samples already taken keep what they carried.
 */
export function registerSampleContextSource<T extends object>(source: SampleContextSource<T>): () => void {
  const s = source as SampleContextSource<object>;
  if (!sources.includes(s)) {
    sources = [...sources, s];
    combos = new WeakMap();
    version++;
  }
  return () => {
    if (!sources.includes(s)) return;
    sources = sources.filter((x) => x !== s);
    combos = new WeakMap();
    version++;
  };
}

/** Changes whenever the set of sources changes (the bridge drops its caches then). */
export function sampleContextVersion(): number {
  return version;
}

/** True when at least one source is registered (otherwise the bridge need not run at all). */
export function hasSampleContextSources(): boolean {
  return sources.length > 0;
}

/**
 * The sample context for the running code: undefined when no source has a value, the single
 * source's value wrapped once, or a cached combination.
 */
export function resolveSampleContext(active: Context): object | undefined {
  const list = sources;
  let node: WeakMap<object, unknown> = combos;
  let any = false;
  let combined: unknown;
  for (let i = 0; i < list.length; i++) {
    const v = list[i].current(active);
    if (v !== undefined) any = true;
    const key = v ?? NONE;
    let next = node.get(key);
    if (i === list.length - 1) {
      combined = next;
      break;
    }
    if (next === undefined) {
      next = new WeakMap<object, unknown>();
      node.set(key, next);
    }
    node = next as WeakMap<object, unknown>;
  }
  if (!any) return undefined;
  if (combined === undefined) {
    const parts = list.map((s) => s.current(active));
    combined = Object.freeze({ parts: Object.freeze(parts), sources: list }) as Combined;
    node.set(parts[parts.length - 1] ?? NONE, combined);
  }
  return combined as object;
}

/**
 * The labels a sample context stands for (the union over its sources, first source first). Pass
 * a `cache` Map shared across one profile build so each distinct context is expanded once.
 */
export function sampleContextLabels(ctx: unknown, cache?: Map<unknown, readonly Label[]>): readonly Label[] {
  if (ctx === undefined || ctx === null) return EMPTY;
  const hit = cache?.get(ctx);
  if (hit !== undefined) return hit;
  const c = ctx as Combined & { sources?: Array<SampleContextSource<object>> };
  let out: readonly Label[] = EMPTY;
  if (Array.isArray(c.parts) && Array.isArray(c.sources)) {
    const acc: Label[] = [];
    for (let i = 0; i < c.parts.length; i++) {
      const part = c.parts[i];
      if (part !== undefined) acc.push(...safeLabels(c.sources[i], part));
    }
    out = acc;
  }
  cache?.set(ctx, out);
  return out;
}

const EMPTY: readonly Label[] = Object.freeze([]);

function safeLabels(source: SampleContextSource<object>, value: object): readonly Label[] {
  try {
    return source.labels(value);
  } catch {
    // A faulty source loses its labels for this sample; the profile itself must still be built.
    return EMPTY;
  }
}
