/**
 * The thread's one heap sampler. V8 has a single sampling heap profiler per isolate, so its mode is
 * chosen once: `heap` (live objects only, Go's inuse view) or `allocs` (collected objects kept too).
 * Backends: the native addon (exact per-size counts) for `heap`; `node:inspector`'s HeapProfiler
 * otherwise. `allocs` starts through the inspector (collected objects kept) and, where the addon
 * loads, is read through the addon. Not the addon's own allocations mode (Node 26+): its per-sample
 * liveness marked 1 of 20,000 retained objects live (Node 26.12), so its in-use figures are wrong.
 */
import { InvalidArgumentError } from '../errors';
import { nowNanos } from '../pprof';
import type { StackFrame } from '../pprof/model';
import { requestedBackend } from './backend-select';
import { internFrame, leafFirst } from './frames';
import { postSync } from './inspector-session';
import { loadNativeAddon } from './native-addon';
import type { NativeAllocationNode, NativeAddon } from './native-addon';
import { emptyObjectArray } from '../pprof/object-array';
import type { HeapMode, RawHeapRecord, RawHeapSnapshot, SamplerBackendName } from './types';
export { buildHeapProfile } from './heap-profile';

/** Go's `runtime.MemProfileRate` and Node's `--heap-prof-interval` default: 512 KiB. */
export const DEFAULT_HEAP_INTERVAL_BYTES = 512 * 1024;

/** Options of {@link startHeapSampler}. */
export interface HeapSamplerOptions {
  /** `heap` (live objects, default) or `allocs` (every sampled allocation). Fixed while running. */
  mode?: HeapMode;
  /** Average bytes between samples; integer >= 1. Default 524288. */
  intervalBytes?: number;
  /** Deepest stack recorded; integer 1..1024. Default 64. */
  stackDepth?: number;
  /** Backend; default from `OTELPROF_SAMPLER`, else native. */
  backend?: SamplerBackendName;
}

interface HeapState {
  mode: HeapMode;
  intervalBytes: number;
  stackDepth: number;
  backend: SamplerBackendName;
  native: NativeAddon | undefined;
  /**
   * The addon, reading a sampler the inspector started (`allocs`): V8 has one
   * sampler, and its native read has each allocation's size and count, which the inspector's
   * samples do not (see inspectorRecords).
   */
  reader: NativeAddon | undefined;
  /** allocs mode: records folded in from earlier reads (the sampler is reset after each read). */
  folded: Map<string, RawHeapRecord>;
}

const KEY = Symbol.for('otelprof.sampler.heap');
type G = typeof globalThis & { [KEY]?: HeapState };

/**
 * Starts the heap sampler. Calling it again with the same mode is a no-op.
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) for bad options, or when the sampler
 *   already runs in the other mode (V8 has one heap sampler per thread).
 */
export function startHeapSampler(opts: HeapSamplerOptions = {}): void {
  const mode = opts.mode ?? 'heap';
  if (mode !== 'heap' && mode !== 'allocs') throw new InvalidArgumentError(`mode must be 'heap' or 'allocs' (actual: ${String(mode)})`);
  const intervalBytes = opts.intervalBytes ?? DEFAULT_HEAP_INTERVAL_BYTES;
  if (!Number.isInteger(intervalBytes) || intervalBytes < 1) {
    throw new InvalidArgumentError(`intervalBytes must be a positive integer (actual: ${String(intervalBytes)})`);
  }
  const stackDepth = opts.stackDepth ?? 64;
  if (!Number.isInteger(stackDepth) || stackDepth < 1 || stackDepth > 1024) {
    throw new InvalidArgumentError(`stackDepth must be an integer from 1 to 1024 (actual: ${String(stackDepth)})`);
  }
  const g = globalThis as G;
  const cur = g[KEY];
  if (cur !== undefined) {
    if (cur.mode !== mode) throw new InvalidArgumentError(`heap sampler already runs in ${cur.mode} mode; cannot switch to ${mode}`);
    return;
  }
  const requested = requestedBackend(opts.backend);
  let backend = requested;
  let native: NativeAddon | undefined;
  if (backend === 'native' && mode === 'heap') {
    try {
      native = loadNativeAddon();
      native.heapProfiler.startSamplingHeapProfiler(intervalBytes, stackDepth, false);
    } catch {
      native = undefined;
      backend = 'inspector';
    }
  } else {
    backend = 'inspector';
  }
  let reader: NativeAddon | undefined;
  if (native === undefined) {
    startInspector(mode, intervalBytes, stackDepth);
    // Only where the native backend was asked for: the inspector backend must not load the addon.
    if (mode === 'allocs' && requested === 'native') reader = tryLoadNativeAddon();
  }
  g[KEY] = { mode, intervalBytes, stackDepth, backend, native, reader, folded: new Map() };
}

/** Stops the heap sampler (no-op when it is not running); the next start may pick another mode. */
export function stopHeapSampler(): void {
  const g = globalThis as G;
  const s = g[KEY];
  if (s === undefined) return;
  g[KEY] = undefined;
  if (s.native !== undefined) s.native.heapProfiler.stopSamplingHeapProfiler();
  else {
    postSync('HeapProfiler.stopSampling');
  }
}

/** The running sampler's settings, or undefined. */
export function heapSamplerState(): { mode: HeapMode; intervalBytes: number; backend: SamplerBackendName } | undefined {
  const s = (globalThis as G)[KEY];
  return s === undefined ? undefined : { mode: s.mode, intervalBytes: s.intervalBytes, backend: s.backend };
}

/**
 * Reads the sampler: live records in `heap` mode; in `allocs` mode every sampled allocation since
 * the sampler started (V8's buffer is folded into ours and reset on each read, so it does not
 * grow without bound). Synchronous (V8 walks its tree on the event loop).
 *
 * @throws InvalidArgumentError when the heap sampler is not running.
 */
export function takeHeapSnapshot(): RawHeapSnapshot {
  const s = (globalThis as G)[KEY];
  if (s === undefined) throw new InvalidArgumentError('heap sampler is not running (call startHeapSampler first)');
  const timeNanos = nowNanos();
  let records: RawHeapRecord[];
  if (s.native !== undefined) {
    records = nativeRecords(s.native.heapProfiler.getAllocationProfile(), 'live');
  } else {
    if (s.reader !== undefined) {
      // Collected objects are kept, so liveness is unknown: allocation values only.
      records = nativeRecords(s.reader.heapProfiler.getAllocationProfile(), 'alloc');
    } else {
      const { profile } = postSync<{ profile: InspectorHeapProfile }>('HeapProfiler.getSamplingProfile');
      records = inspectorRecords(profile, s.intervalBytes, s.mode === 'heap');
    }
    if (s.mode === 'allocs') {
      postSync('HeapProfiler.stopSampling');
      startInspector(s.mode, s.intervalBytes, s.stackDepth);
    }
  }
  if (s.mode === 'allocs') records = fold(s.folded, records);
  return { mode: s.mode, intervalBytes: s.intervalBytes, timeNanos, hasInuse: s.mode === 'heap', records };
}

function startInspector(mode: HeapMode, intervalBytes: number, stackDepth: number): void {
  const all = mode === 'allocs';
  postSync('HeapProfiler.enable');
  postSync('HeapProfiler.startSampling', {
    samplingInterval: intervalBytes,
    stackDepth,
    includeObjectsCollectedByMajorGC: all,
    includeObjectsCollectedByMinorGC: all,
  });
}

/**
 * Most distinct stacks the `allocs` view keeps across reads. Code that generates functions without
 * end would otherwise grow the folded table forever; allocations at further stacks are summed
 * into one record under {@link OVERFLOW_FRAME_NAME}, so totals stay right and the loss is visible.
 */
export const MAX_ALLOCS_STACKS = 20_000;
/** Function name of the one frame allocations beyond {@link MAX_ALLOCS_STACKS} are summed under. */
export const OVERFLOW_FRAME_NAME = `(otelprof: allocation stacks beyond ${MAX_ALLOCS_STACKS}, summed)`;
const OVERFLOW_KEY = '\u0000overflow';

/**
 * Folds one read into the running `allocs` table (exported for tests): allocation counts add up,
 * in-use counts are the latest read's. At most `maxStacks` stacks plus the overflow record.
 */
export function fold(acc: Map<string, RawHeapRecord>, fresh: readonly RawHeapRecord[], maxStacks = MAX_ALLOCS_STACKS): RawHeapRecord[] {
  const overflowBefore = acc.get(OVERFLOW_KEY);
  // The overflow record's in-use part is this read's sum, as for every other stack.
  if (overflowBefore !== undefined) acc.set(OVERFLOW_KEY, { ...overflowBefore, inuseObjects: 0, inuseBytes: 0 });
  for (const r of fresh) {
    let key = stackKey(r.stack);
    let stack = r.stack;
    if (!acc.has(key) && acc.size - (acc.has(OVERFLOW_KEY) ? 1 : 0) >= maxStacks) {
      key = OVERFLOW_KEY;
      stack = overflowStack();
    }
    const prev = acc.get(key);
    // The overflow record sums several stacks of one read, so its in-use part adds up too.
    const inuse = key === OVERFLOW_KEY ? prev : undefined;
    acc.set(key, {
      stack,
      inuseObjects: (inuse?.inuseObjects ?? 0) + r.inuseObjects,
      inuseBytes: (inuse?.inuseBytes ?? 0) + r.inuseBytes,
      allocObjects: (prev?.allocObjects ?? 0) + r.allocObjects,
      allocBytes: (prev?.allocBytes ?? 0) + r.allocBytes,
    });
  }
  return [...acc.values()];
}

let overflow: readonly StackFrame[] | undefined;
function overflowStack(): readonly StackFrame[] {
  overflow ??= Object.freeze([internFrame(OVERFLOW_FRAME_NAME, '', 0, 0)]);
  return overflow;
}

function stackKey(stack: readonly StackFrame[]): string {
  return stack.map((f) => `${f.functionName}@${f.fileName}:${f.line}:${f.column}`).join('|');
}

function tryLoadNativeAddon(): NativeAddon | undefined {
  try {
    return loadNativeAddon();
  } catch {
    return undefined;
  }
}

/**
 * Records of the addon's allocation profile: `live` (heap mode: what V8 holds is in use, and
 * counted as allocated too) or `alloc` (a sampler that keeps collected objects: allocation
 * values, in-use unknown and 0).
 */
function nativeRecords(root: NativeAllocationNode, kind: 'live' | 'alloc'): RawHeapRecord[] {
  const out = emptyObjectArray<RawHeapRecord>();
  // One root-first path for the whole walk; a stack is copied out only where there are allocations.
  const path = emptyObjectArray<StackFrame>();
  const visit = (n: NativeAllocationNode): void => {
    path.push(internFrame(n.name, n.scriptName ?? '', n.lineNumber ?? 0, n.columnNumber ?? 0));
    if (n.allocations.length > 0) {
      const stack = Object.freeze(leafFirst(path));
      for (const a of n.allocations) {
        const objects = a.count ?? 0;
        const bytes = (a.sizeBytes ?? 0) * objects;
        const live = kind === 'live';
        out.push({ stack, inuseObjects: live ? objects : 0, inuseBytes: live ? bytes : 0, allocObjects: objects, allocBytes: bytes });
      }
    }
    for (const c of n.children) visit(c);
    path.pop();
  };
  for (const c of root.children) visit(c);
  return out;
}

interface InspectorHeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  id: number;
  children: InspectorHeapNode[];
}
interface InspectorHeapProfile {
  head: InspectorHeapNode;
  samples: Array<{ size: number; nodeId: number }>;
}

function inspectorRecords(p: InspectorHeapProfile, interval: number, live: boolean): RawHeapRecord[] {
  const stacks = new Map<number, readonly StackFrame[]>();
  const path = emptyObjectArray<StackFrame>();
  const visit = (n: InspectorHeapNode): void => {
    const cf = n.callFrame;
    path.push(internFrame(cf.functionName, cf.url, cf.lineNumber + 1, cf.columnNumber + 1));
    stacks.set(n.id, Object.freeze(leafFirst(path)));
    for (const c of n.children) visit(c);
    path.pop();
  };
  for (const c of p.head.children) visit(c);
  const acc = new Map<number, { objects: number; bytes: number }>();
  for (const s of p.samples) {
    const a = acc.get(s.nodeId) ?? { objects: 0, bytes: 0 };
    // The protocol reports unsampled bytes but no object count: estimate the object size.
    a.objects += s.size / objectSize(s.size, interval);
    a.bytes += s.size;
    acc.set(s.nodeId, a);
  }
  const out = emptyObjectArray<RawHeapRecord>();
  for (const [id, a] of acc) {
    const stack = stacks.get(id);
    if (stack === undefined) continue;
    const objects = Math.max(1, Math.round(a.objects));
    out.push({ stack, inuseObjects: live ? objects : 0, inuseBytes: live ? a.bytes : 0, allocObjects: objects, allocBytes: a.bytes });
  }
  return out;
}

/**
 * Estimates a sampled object's size from the bytes the inspector reports for it. V8 reports
 * `s * round(1 / (1 - e^(-s/interval)))`, about `interval + s * (1 - f)` with `f` the fractional
 * part of `interval / s`: the rounding loses `s` (many sizes give the same figure), so this solves
 * the unrounded formula, which is right for `f` = 0.5. Object counts from it are estimates (0.5x
 * to several times the real count, depending on the size); bytes are V8's own figure. Only the
 * inspector backend without the addon relies on it (bisection: the formula is monotonic in s).
 */
export function objectSize(reported: number, interval: number): number {
  if (reported <= 0) return 1;
  let lo = 1e-9;
  let hi = reported;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const f = mid / (1 - Math.exp(-mid / interval));
    if (f < reported) lo = mid;
    else hi = mid;
  }
  return Math.max(1, (lo + hi) / 2);
}
