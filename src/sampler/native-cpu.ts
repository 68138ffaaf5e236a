/**
 * CPU/wall sampling through the `@datadog/pprof` addon: V8's CpuProfiler driven by SIGPROF, with
 * a per-sample context slot, per-sample thread CPU time and per-sample epoch timestamps.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread } from 'node:worker_threads';
import type { StackFrame } from '../pprof/model';
import { microsToNanos, monotonicToEpochOffsetMicros } from './clock';
import { ContextBridge } from './context-bridge';
import { internFrame, internScriptFrame, knownScriptFrame, leafFirst } from './frames';
import { asyncContextFrameActive, loadNativeAddon } from './native-addon';
import { emptyObjectArray } from '../pprof/object-array';
import type { NativeTimeNode, NativeTimeProfile, NativeTimeProfiler } from './native-addon';
import type { CpuBackend } from './cpu-backend';
import { RawCpuSamples } from './cpu-samples';
import type { RawCpuWindow } from './types';

// Windows has no SIGPROF: the addon refuses contexts and CPU time there.
const CONTEXTS_SUPPORTED = process.platform !== 'win32';

export class NativeCpuBackend implements CpuBackend {
  readonly name = 'native' as const;
  readonly supportsLabels = CONTEXTS_SUPPORTED;
  readonly bridge: ContextBridge | undefined;
  readonly intervalMicros: number;
  readonly bufferMillis: number;
  /**
   * Kept between runs (the CPU sampler's frame backend, see `_kept` in `cpu-sampler.ts`): a stop
   * leaves the addon's profiler, and with it the holders already in async frames, usable for the
   * next start. Holders are only valid for the profiler that made them (another instance reading
   * one crashes the process), so the backend is one profiler with one store for its whole life.
   */
  keep = false;
  private readonly _profiler: NativeTimeProfiler;
  private _disposed = false;
  private _emptyWindows = 0;
  /** How often a stuck V8 profiler was restarted. */
  stuckRestarts = 0;
  private readonly _onExit = (): void => {
    try {
      this._profiler.stop(false);
      this.dispose();
    } catch {
      // Exiting anyway.
    }
  };

  /**
   * @param bufferMillis sizes the addon's per-sample context buffer: it holds 2 x this much
   *   sampling time at any rate, and the addon drops every sample that does not fit (the sample
   *   itself, not only its context), so the sampler must collect at least this often.
   * @throws if the addon cannot be loaded (the caller falls back to the inspector).
   */
  constructor(intervalMicros: number, bufferMillis: number) {
    const addon = loadNativeAddon();
    this.intervalMicros = intervalMicros;
    this.bufferMillis = bufferMillis;
    const useCPED = CONTEXTS_SUPPORTED && asyncContextFrameActive();
    const store = useCPED ? new AsyncLocalStorage<unknown>() : undefined;
    this._profiler = new addon.TimeProfiler({
      intervalMicros,
      // 2 x duration / interval slots, allocated anew at every stop; full means dropped (see the
      // constructor, and drainMillisFor in backend-select.ts for its size).
      durationMillis: bufferMillis,
      withContexts: CONTEXTS_SUPPORTED,
      collectCpuTime: CONTEXTS_SUPPORTED,
      collectAsyncId: false,
      useCPED,
      CPEDKey: store,
      isMainThread,
      lineNumbers: false,
      // The addon's check for V8's "stuck event processor" bug costs ~20 ms of blocked event loop
      // on every restart (measured: 20-30 ms with it, 0.2 ms without); we detect the symptom
      // (windows with no samples at all) ourselves instead, see collect().
      workaroundV8Bug: false,
    });
    const p = this._profiler;
    this.bridge = !CONTEXTS_SUPPORTED
      ? undefined
      : useCPED
        ? new ContextBridge('frame', { store, holder: (v) => p.createContextHolder(v) })
        : new ContextBridge('global', { setGlobal: (v) => { p.context = v; } });
  }

  /**
   * V8 bug worked around by @datadog/pprof (dd-trace PR #3560): the profiler's event processor can
   * get stuck, after which every profile is empty. A wall-clock sampler always has samples (idle
   * ones included), so two long empty windows in a row mean it is stuck: restart V8's profile.
   */
  private _checkStuck(noSamples: boolean, durationMicros: number): void {
    const empty = noSamples && durationMicros > 100 * this.intervalMicros;
    this._emptyWindows = empty ? this._emptyWindows + 1 : 0;
    if (this._emptyWindows < 2) return;
    this._emptyWindows = 0;
    this.stuckRestarts++;
    this._profiler.stop(false);
    this._profiler.start();
  }

  start(): void {
    try {
      this._profiler.start();
    } catch (err) {
      // "another profiler is already active": this addon copy's profiler belongs to someone else
      // (dd-trace, say). Free ours; the caller falls back to the inspector.
      try {
        this.dispose();
      } catch {
        // Not started: nothing else to free.
      }
      throw err;
    }
    // As @datadog/pprof does: a SIGPROF landing during shutdown can crash the process.
    process.once('exit', this._onExit);
    // Without CPED the addon reads one global slot; start it empty.
    if (this.bridge?.mode === 'global') this._profiler.context = undefined;
  }

  abandon(): void {
    try {
      // Stops V8's profile without reading it (the callback walks nothing). It may be stopped
      // already: the failed read may have got that far.
      this._profiler.stopAndCollect(false, () => undefined);
    } catch {
      // Not running any more.
    }
    process.removeListener('exit', this._onExit);
    if (!this.keep) {
      try {
        this.dispose();
      } catch {
        // Nothing more to free.
      }
    }
  }

  /** Frees the addon's profiler (idempotent); the backend cannot start again. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._profiler.dispose();
  }

  get disposed(): boolean {
    return this._disposed;
  }

  collect(restart: boolean): RawCpuWindow {
    // With restart the addon begins the next profile before it stops this one, so V8 keeps its
    // code logging on and no sample falls between the windows. The lazy read walks V8's profile
    // inside the addon's callback: only what the walk reads becomes JS objects, where `stop()`
    // made every node's whole object first (a 2,600-node tree: rotations of 3.6-4.8 ms against
    // 4.7-6.0 for `stop()` and the walk, medians; bench/RESULTS.md, twenty-eighth pass).
    const offset = monotonicToEpochOffsetMicros();
    const read = this._profiler.stopAndCollect(restart, (prof) => readProfile(prof, offset));
    if (!restart) {
      process.removeListener('exit', this._onExit);
      if (!this.keep) this.dispose();
    }
    if (restart) this._checkStuck(read.empty, read.endTime - read.startTime);
    const samples = read.samples;
    samples.sortByTime();
    const hasCpu = samples.length === 0 ? CONTEXTS_SUPPORTED : read.hasCpuTime;
    return {
      startNanos: microsToNanos(read.startTime + offset),
      endNanos: microsToNanos(read.endTime + offset),
      intervalNanos: this.intervalMicros * 1000,
      hasCpuTime: hasCpu,
      backend: 'native',
      samples,
    };
  }
}

/** Nodes of V8's trees this module's walk has read, for the sampler's early reads (see there). */
let nodesWalked = 0;

/** How many nodes of V8's trees the native walk has read in this thread so far. */
export function nativeNodesWalked(): number {
  return nodesWalked;
}

/** What one read of V8's profile leaves once the addon's view of it is gone. */
interface ProfileRead {
  samples: RawCpuSamples;
  /** Monotonic microseconds. */
  startTime: number;
  endTime: number;
  hasCpuTime: boolean;
  /** No node under the root: no sample at all, idle ones included. */
  empty: boolean;
}

/** @param offset monotonic to epoch microseconds: V8's times are monotonic, sample times epoch. */
function readProfile(prof: NativeTimeProfile, offset: number): ProfileRead {
  const samples = new RawCpuSamples();
  const path = emptyObjectArray<StackFrame>();
  const fallbackTime = prof.endTime + offset;
  const children = prof.topDownRoot.children;
  let nodes = 0;
  for (let i = 0; i < children.length; i++) nodes += walk(children[i], path, samples, fallbackTime);
  nodesWalked += nodes;
  return { samples, startTime: prof.startTime, endTime: prof.endTime, hasCpuTime: prof.hasCpuTime === true, empty: children.length === 0 };
}

/**
 * Depth-first walk of V8's top-down tree. `path` (root first) is one array for the whole walk,
 * pushed and popped: a node's stack is copied out only where it has samples (a copy per node made
 * walking a 2,660-node tree of 40-deep stacks take 2.4 ms of the collection's synchronous step,
 * against 1.0 ms; bench/RESULTS.md, twenty-eighth pass). Every property of a node is a call into the
 * addon, so the walk reads what it needs only (a 40-deep tree's read: 3.2-3.7 ms as a median with
 * every property read, 2.55-2.75 without; Node 20, thirtieth pass). The addon gives each sample its
 * epoch time; a hit it could not pair with a context gets `fallbackTime`. Returns the nodes read.
 */
function walk(node: NativeTimeNode, path: StackFrame[], out: RawCpuSamples, fallbackTime: number): number {
  // `(program)` is VM work V8 cannot attribute (and `(root)` is the tree root): keep them as frames
  // so their CPU is not silently lost; `(idle)` is flagged so the cpu view can drop it.
  const frame = nodeFrame(node);
  path.push(frame);
  // With contexts on, the addon counts a node's hits by its contexts, so a node without hits has
  // none; its `contexts` would be a new empty array, and most nodes of a deep tree have no hits.
  const hits = node.hitCount;
  if (hits > 0) {
    const ctxs = node.contexts;
    const withContext = ctxs ? ctxs.length : 0;
    const stack = Object.freeze(leafFirst(path));
    // File first: every hit node runs this compare, and `(program)` and `(garbage collector)`
    // the name's, so both have V8's type feedback before the walk is optimized (a window without
    // an idle node left the second without it, and the next collection's walk was thrown away).
    const idle = frame.fileName === '' && frame.functionName === '(idle)';
    for (let i = 0; i < withContext; i++) {
      const c = (ctxs as NonNullable<NativeTimeNode['contexts']>)[i];
      out.push(stack, Number(c.timestamp), c.cpuTime ?? -1, idle, c.context);
    }
    // Hits the addon could not pair with a context (Windows; with contexts on, a hit without one
    // is not counted at all).
    for (let i = withContext; i < hits; i++) out.push(stack, fallbackTime, -1, idle, undefined);
  }
  const children = node.children;
  let nodes = 1;
  for (let i = 0; i < children.length; i++) nodes += walk(children[i], path, out, fallbackTime);
  path.pop();
  return nodes;
}

/**
 * The node's frame. A function seen before is found by its script id and position, without
 * reading its names (each read makes V8 internalize the string anew); pseudo-frames such as
 * `(program)` and `(idle)` have no script (id 0) and are read by name.
 */
function nodeFrame(node: NativeTimeNode): StackFrame {
  const line = node.lineNumber ?? 0;
  const column = node.columnNumber ?? 0;
  const scriptId = node.scriptId ?? 0;
  if (scriptId > 0) {
    return knownScriptFrame(scriptId, line, column) ?? internScriptFrame(scriptId, node.name, node.scriptName ?? '', line, column);
  }
  return internFrame(node.name, node.scriptName ?? '', line, column);
}
