/**
 * The process's (more exactly: this thread's) one CPU/wall sampler. V8's profiler runs while at
 * least one window is open; every consumer (the scheduler, `startCPUProfile`, the pull endpoint)
 * opens its own window and gets every sample taken while it was open. Rotating a window stops and
 * restarts V8's profile in one synchronous step (the next profile starts before this one is read),
 * so consecutive windows neither overlap nor lose samples.
 */
import type { Context } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors';
import { nowNanos } from '../pprof/clock';
import { MIN_DRAIN_MILLIS, createFrameBackend, drainMillisFor, nativeBufferMillis, requestedBackend, startCpuBackend } from './backend-select';
import { monotonicToEpochOffsetMicros } from './clock';
import type { CpuBackend } from './cpu-backend';
import type { BridgeMode, ContextBridge } from './context-bridge';
import { NativeCpuBackend, nativeNodesWalked } from './native-cpu';
import { hasSampleContextSources } from './sample-context';
import { RawCpuSamples } from './cpu-samples';
import type { RawCpuWindow, SamplerBackendName } from './types';

/** Options of {@link openCpuWindow}. */
export interface CpuWindowOptions {
  /** Sampling rate in Hz (integer 1..10000). Default 100 (Go's). Ignored when the sampler already runs at another rate. */
  hz?: number;
  /** Backend; default from `OTELPROF_SAMPLER`, else native. Ignored when the sampler already runs. */
  backend?: SamplerBackendName;
}

/** A consumer's view of the CPU sampler. */
export interface CpuWindow {
  /** The rate the sampler runs at, Hz. */
  readonly hz: number;
  /** The backend producing samples. */
  readonly backend: SamplerBackendName;
  /** Ends the current window and starts the next one at the same instant; returns the ended one. */
  rotate(): RawCpuWindow;
  /** Ends the window for good (stops V8's profiler when it was the last one) and returns it. */
  close(): RawCpuWindow;
  readonly closed: boolean;
}

/** Receives every collected window (all consumers' samples), e.g. for the block profile. */
export type CpuWindowListener = (w: RawCpuWindow) => void;

interface Pending {
  startNanos: bigint;
  /** Monotonic start (process.hrtime), for the window's length when the wall clock is stepped. */
  startMono: bigint;
  /**
   * Made at the window's first read, not when it opens: a set made at the previous rotation is in
   * V8's old generation by the next one, and the columns that read writes into it would then
   * outlive the handed-out window until a mark-compact (bench/RESULTS.md, twenty-sixth pass).
   */
  samples: RawCpuSamples | undefined;
  /** `samples` are a read's own, also given to the listeners: copied before anything is appended. */
  shared: boolean;
  hasCpuTime: boolean;
}

export const DEFAULT_CPU_HZ = 100;

/**
 * A change of the epoch-minus-monotonic offset larger than this is a wall-clock step (NTP, a
 * resumed VM); `nowNanos` re-anchors only past 5 ms, so normal reads differ by microseconds.
 */
const CLOCK_STEP_MICROS = 1000;

/**
 * The longest time V8's profile runs unread. The native addon keeps per-sample data in a buffer
 * sized when sampling starts and drops every sample that does not fit, so a window longer than the
 * buffer (a 3-minute `startCPUProfile`, `/debug/pprof/profile?seconds=300`) would silently lose
 * its tail; when no consumer rotated for this long, the sampler reads V8's profile into the open
 * windows itself. The scheduler rotates every upload interval (10 s by default), so with it running
 * this fires only for longer intervals. A run uses this or a shorter period that keeps the native
 * buffer small (drainMillisFor: 12.8 s at 100 Hz).
 */
const DEFAULT_DRAIN_MILLIS = 60_000;

/**
 * When the sampler first reads V8's profile on its own after sampling starts (and how often after
 * that while the walk is cold: DEFAULT_EARLY_READ_WARM_NODES). The first read of a
 * profile blocks the loop longer than later ones, mostly its JS walk running cold; read early, it is
 * as short as they are, and so is the read after it, the first collection's (bench/first-read.js,
 * eighteenth pass: the read at 10 s took 2.1-3.7 ms on Node 20 and 1.6-2.4 on Node 24 without the
 * early read, 1.2-1.5 and 0.8-1.1 with it). The first collection is the one the stall goal is judged
 * on. At 100 ms rather than the eighteenth pass's 1 s: the same effect on the first collection, and
 * on Node 24 the read at 1 s cost 0.4-1.2 MB of RSS over none, at 100 ms 0.2-0.5 (Node 20: within the
 * runs' spread; nineteenth pass, bench/RESULTS.md).
 */
const DEFAULT_EARLY_READ_MILLIS = 100;

/**
 * With the native backend the early reads go on, one every DEFAULT_EARLY_READ_MILLIS, until the
 * walk of V8's trees has read this many nodes, or DEFAULT_EARLY_READS_MAX reads were made, or a read
 * found a small tree (under DEFAULT_EARLY_READ_MIN_NODES). With 40-deep stacks a first collection
 * walks some 2,400-2,600 nodes, and Node 20's V8 optimized the walk only after it had read about
 * 3,000-3,600 (bench/walk-tiering.js; Node 24 and 26 gave it to Maglev within the first read): one
 * early read left the first collection's walk running cold. Spread over small reads (0.6-1 ms each)
 * the first collection runs warm code (bench/RESULTS.md, thirtieth pass). A tree of a few nodes per
 * 100 ms (the benches' 3-4-frame units: 10-19) makes a first collection whose walk is short anyway.
 */
const DEFAULT_EARLY_READ_WARM_NODES = 5000;
const DEFAULT_EARLY_READS_MAX = 20;
const DEFAULT_EARLY_READ_MIN_NODES = 100;

class CpuSampler {
  backend: CpuBackend | undefined;
  hz = 0;
  drainMillis = DEFAULT_DRAIN_MILLIS;
  /** See DEFAULT_EARLY_READ_MILLIS; 0 turns the early read off. */
  earlyReadMillis = DEFAULT_EARLY_READ_MILLIS;
  /** See DEFAULT_EARLY_READ_WARM_NODES. */
  earlyReadWarmUp: EarlyReadWarmUp = {
    warmNodes: DEFAULT_EARLY_READ_WARM_NODES, maxReads: DEFAULT_EARLY_READS_MAX, minReadNodes: DEFAULT_EARLY_READ_MIN_NODES,
  };
  private _earlyReads = 0;
  /** Drains that failed (counted, never thrown: they run in a timer of the host app). */
  drainFailures = 0;
  /** Time of the last sample handed out, so a sample V8 put in two profiles is handed out once. */
  private _lastSampleMicros = -Infinity;
  /** Epoch-minus-monotonic offset at the last read: sample times follow wall-clock steps. */
  private _lastOffsetMicros = 0;
  /** Stuck-profiler restarts of backends already released (the running one keeps its own count). */
  private _releasedStuckRestarts = 0;
  readonly windows = new Map<WindowImpl, Pending>();
  readonly listeners = new Set<CpuWindowListener>();
  private _drainTimer: NodeJS.Timeout | undefined;
  private _earlyReadTimer: NodeJS.Timeout | undefined;
  /**
   * On AsyncContextFrame runtimes, the native backend kept between runs with its bridge installed
   * while sample contexts are in use, stopped or not. The native sampler reads a sample's context
   * from the running task's async frame, where only entering a context (`context.with`) puts it:
   * a backend created when a profile starts would find nothing in the frames of tasks that
   * entered their labels before (a long-lived worker loop, a request in flight). With one backend
   * for the thread's life, created at the first use of sample contexts, those frames hold its
   * holders when a later profile starts. The cost while no profile runs: a holder lookup and a
   * frame entry per `context.with`, as during profiling.
   */
  private _kept: NativeCpuBackend | undefined;
  private _keptTried = false;

  open(opts: CpuWindowOptions): CpuWindow {
    const hz = validateHz(opts.hz);
    // Checked even when the backend option will be ignored: a typo must not pass only while sampling.
    if (opts.backend !== undefined) requestedBackend(opts.backend);
    if (this.backend === undefined) {
      const intervalMicros = Math.round(1e6 / hz);
      // One period for both: it sizes the native buffer and times the drain that keeps it from filling.
      const drainMillis = drainMillisFor(intervalMicros, this.drainMillis);
      const backend = this._startBackend(intervalMicros, drainMillis, opts.backend);
      this.backend = backend;
      this.hz = hz;
      this._drainTimer = setTimeout(() => this._drain(), drainMillis);
      this._drainTimer.unref();
      if (this.earlyReadMillis > 0) {
        this._earlyReads = 0;
        this._earlyReadTimer = setTimeout(() => this._earlyRead(), this.earlyReadMillis);
        this._earlyReadTimer.unref();
      }
    } else {
      // A new window must not receive samples from before it opened.
      this.collect(true);
    }
    const w = new WindowImpl(this, this.hz, this.backend.name);
    this.windows.set(w, { startNanos: nowEpochNanos(), startMono: process.hrtime.bigint(), samples: undefined, shared: false, hasCpuTime: true });
    return w;
  }

  /** Reads V8's profile and hands its samples to every open window and listener. */
  collect(restart: boolean): void {
    const backend = this.backend as CpuBackend;
    const bridge = backend.bridge;
    if (restart && bridge !== undefined) {
      if (hasSampleContextSources()) {
        bridge.install();
        bridge.rewrap();
      }
    }
    const read = backend.collect(restart);
    this._followClockStep();
    const raw = dropRepeated(read, this._lastSampleMicros);
    if (raw.samples.length > 0) this._lastSampleMicros = raw.samples.timeAt(raw.samples.length - 1);
    const taken = raw.samples;
    // The first window with nothing pending yet holds the read's own columns, shared with the
    // listeners (made by this read, so as young as a copy would be; a copy per sample was 0.1-0.3 ms
    // of a thousand-sample rotation, bench/RESULTS.md, thirty-first pass). A later read before the
    // window is taken copies them first: what a listener was given does not change.
    let shared = false;
    for (const pending of this.windows.values()) {
      if (taken.length > 0) {
        if (pending.samples === undefined && !shared) {
          pending.samples = taken;
          pending.shared = true;
          shared = true;
        } else {
          if (pending.samples === undefined || pending.shared) pending.samples = ownCopy(pending.samples, taken.length);
          pending.shared = false;
          pending.samples.appendFrom(taken);
        }
      }
      pending.hasCpuTime = pending.hasCpuTime && raw.hasCpuTime;
    }
    for (const l of this.listeners) {
      try {
        l(raw);
      } catch {
        // A listener's failure must not cost the other consumers their samples.
      }
    }
    if (!restart) {
      this._release(backend);
    } else {
      // Read now: the next drain is due a full period from here.
      this._drainTimer?.refresh();
    }
  }

  /** Forgets a backend that stopped sampling (its last read made, or abandoned). */
  private _release(backend: CpuBackend): void {
    this._lastSampleMicros = -Infinity;
    this._releasedStuckRestarts += backend.stuckRestarts ?? 0;
    this.backend = undefined;
    if (backend !== this._kept) backend.bridge?.uninstall();
    // The kept backend's bridge goes on tracking (it was suspended while another one ran).
    if (this._kept !== undefined && hasSampleContextSources()) this._kept.bridge?.install();
    else this._kept?.bridge?.uninstall();
    clearTimeout(this._drainTimer);
    this._drainTimer = undefined;
    clearTimeout(this._earlyReadTimer);
    this._earlyReadTimer = undefined;
  }

  /**
   * A window whose closing read failed is closed all the same: left in the sampler it would take
   * every later read's samples with no one to hand them to, and as the last window it would keep
   * V8's profiler running for good. The last one stops the backend without reading it.
   */
  private _dropFailedClose(w: WindowImpl, last: boolean): void {
    this.windows.delete(w);
    const backend = this.backend;
    if (!last || backend === undefined) return;
    backend.abandon();
    this._release(backend);
  }

  /**
   * Moves the last handed-out sample time by any wall-clock step since the previous read: sample
   * times are monotonic plus the current offset, so after a step back every new sample would look
   * older than it and be dropped as a repeat.
   */
  private _followClockStep(): void {
    const offset = monotonicToEpochOffsetMicros();
    const step = offset - this._lastOffsetMicros;
    this._lastOffsetMicros = offset;
    if (Math.abs(step) >= CLOCK_STEP_MICROS) this._lastSampleMicros += step;
  }

  /**
   * Starts the kept frame backend when it fits the request, else a new backend; the first native
   * one in frame mode becomes the kept one. Any other backend (another rate, the inspector) runs
   * for its profile only, with the kept bridge suspended so that `context.with` enters one bridge,
   * not two; the kept one stays, so the frames keep their holders for the profiles after it.
   */
  private _startBackend(intervalMicros: number, drainMillis: number, option: SamplerBackendName | undefined): CpuBackend {
    const kept = this._kept;
    const fits = kept !== undefined && !kept.disposed && requestedBackend(option) === 'native'
      && kept.intervalMicros === intervalMicros && kept.bufferMillis === nativeBufferMillis(intervalMicros, drainMillis);
    if (!fits) kept?.bridge?.uninstall();
    const backend = startCpuBackend(intervalMicros, option, drainMillis, hasSampleContextSources, fits ? kept : undefined);
    if (fits && backend !== kept) this._kept = undefined; // it could not start (and freed its profiler)
    if (this._kept === undefined && backend instanceof NativeCpuBackend && backend.bridge?.mode === 'frame') {
      backend.keep = true;
      this._kept = backend;
    }
    return backend;
  }

  /**
   * From the first use of sample contexts on an AsyncContextFrame runtime: creates the kept frame
   * backend if there is none and installs its bridge while no backend samples (see `_kept`).
   */
  prepareFrameContexts(): void {
    if (this.backend !== undefined || !hasSampleContextSources()) return;
    if (this._kept === undefined && !this._keptTried) {
      this._keptTried = true;
      const interval = Math.round(1e6 / DEFAULT_CPU_HZ);
      const kept = createFrameBackend(interval, drainMillisFor(interval, this.drainMillis));
      if (kept !== undefined) {
        kept.keep = true;
        this._kept = kept;
      }
    }
    this._kept?.bridge?.install();
  }

  /** The bridge that sees context changes now: the running backend's, else the kept idle one's. */
  activeBridge(): ContextBridge | undefined {
    if (this.backend !== undefined) return this.backend.bridge;
    const b = this._kept?.bridge;
    return b !== undefined && b.installed ? b : undefined;
  }

  /** Stuck-profiler restarts since the process started, over every backend. */
  get stuckRestarts(): number {
    return this._releasedStuckRestarts + (this.backend?.stuckRestarts ?? 0);
  }

  private _drain(): void {
    if (this.backend === undefined) return;
    try {
      this.collect(true);
    } catch {
      this.drainFailures++;
      this._drainTimer?.refresh();
    }
  }

  /** One early read; the next one follows while the native walk is cold (DEFAULT_EARLY_READ_WARM_NODES). */
  private _earlyRead(): void {
    const before = nativeNodesWalked();
    this._drain();
    this._earlyReads++;
    const walked = nativeNodesWalked();
    const w = this.earlyReadWarmUp;
    const more = this.backend?.name === 'native' && this._earlyReads < w.maxReads && walked < w.warmNodes && walked - before >= w.minReadNodes;
    if (more) this._earlyReadTimer?.refresh();
    else this._earlyReadTimer = undefined;
  }

  take(w: WindowImpl, close: boolean): RawCpuWindow {
    const last = close && this.windows.size === 1;
    try {
      this.collect(!last);
    } catch (err) {
      if (close) this._dropFailedClose(w, last);
      throw err;
    }
    const pending = this.windows.get(w) as Pending;
    const samples = pending.samples ?? new RawCpuSamples();
    // The record is old by now: left pointing at the samples, it would keep them through scavenges.
    pending.samples = undefined;
    const endMono = process.hrtime.bigint();
    const end = nowEpochNanos();
    if (close) this.windows.delete(w);
    else this.windows.set(w, { startNanos: end, startMono: endMono, samples: undefined, shared: false, hasCpuTime: true });
    return {
      startNanos: windowStart(pending, end, endMono),
      endNanos: end,
      intervalNanos: Math.round(1e9 / w.hz),
      hasCpuTime: pending.hasCpuTime,
      backend: w.backend,
      samples,
    };
  }
}

class WindowImpl implements CpuWindow {
  closed = false;
  constructor(private readonly _owner: CpuSampler, readonly hz: number, readonly backend: SamplerBackendName) {}
  rotate(): RawCpuWindow {
    if (this.closed) throw new InvalidArgumentError('rotate: the CPU window is closed');
    return this._owner.take(this, false);
  }
  close(): RawCpuWindow {
    if (this.closed) throw new InvalidArgumentError('close: the CPU window is closed');
    this.closed = true;
    return this._owner.take(this, true);
  }
}

/** A new column set holding `samples` (if any), with room for `more` after them. */
function ownCopy(samples: RawCpuSamples | undefined, more: number): RawCpuSamples {
  const out = new RawCpuSamples((samples?.length ?? 0) + more);
  if (samples !== undefined) out.appendFrom(samples);
  return out;
}

function nowEpochNanos(): bigint {
  return nowNanos();
}

/**
 * The window's start: as recorded, unless the wall clock was stepped while it was open; then its
 * end minus its monotonic length, so `duration_nanos` is the time it ran, not the step.
 */
function windowStart(p: Pending, end: bigint, endMono: bigint): bigint {
  const length = endMono - p.startMono;
  const drift = end - p.startNanos - length;
  const limit = BigInt(CLOCK_STEP_MICROS) * 1000n;
  return drift > limit || drift < -limit ? end - length : p.startNanos;
}

/**
 * Both backends start the next profile before they end the current one (so no sample falls
 * between windows); a tick in that overlap lands in both profiles. Samples are sorted by time:
 * those not after the previous read's last one are repeats.
 */
function dropRepeated(raw: RawCpuWindow, lastMicros: number): RawCpuWindow {
  const samples = raw.samples;
  let i = 0;
  while (i < samples.length && samples.timeAt(i) <= lastMicros) i++;
  return i === 0 ? raw : { ...raw, samples: samples.sliceFrom(i) };
}

/** Checks a sampling rate; `undefined` means the default (100 Hz). */
export function validateHz(hz: number | undefined): number {
  if (hz === undefined) return DEFAULT_CPU_HZ;
  if (typeof hz !== 'number' || !Number.isInteger(hz) || hz < 1 || hz > 10_000) {
    throw new InvalidArgumentError(`hz must be an integer from 1 to 10000 (actual: ${String(hz)})`);
  }
  return hz;
}

// One sampler per thread, shared by every copy of otelprof loaded in it (V8 has one profiler).
const KEY = Symbol.for('otelprof.sampler.cpu');
function sampler(): CpuSampler {
  const g = globalThis as { [KEY]?: CpuSampler };
  if (g[KEY] === undefined) g[KEY] = new CpuSampler();
  return g[KEY] as CpuSampler;
}

/**
 * Opens a CPU window: starts V8's sampler if it is not running (at `hz`, default 100) and returns a
 * handle whose `rotate()`/`close()` return the timestamped samples taken since the window opened
 * or last rotated. Several windows may be open at once; they share one V8 profile.
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) for a bad `hz` or `backend`.
 */
export function openCpuWindow(opts: CpuWindowOptions = {}): CpuWindow {
  return sampler().open(opts);
}

/**
 * Subscribes to every window the sampler collects (timestamped samples of all consumers' windows,
 * each sample delivered once), e.g. to derive event-loop blocking. Returns an unsubscribe function.
 * Listeners run synchronously inside collection: keep them short. The samples they are given do
 * not change afterwards, and must not be changed by them (a window may hold the same object).
 */
export function onCpuSamples(listener: CpuWindowListener): () => void {
  const s = sampler();
  s.listeners.add(listener);
  return () => {
    s.listeners.delete(listener);
  };
}

/** Whether the CPU sampler runs, and with what. */
export function cpuSamplerState(): {
  running: boolean; hz: number; backend: SamplerBackendName | undefined; windows: number; contextMode: BridgeMode | undefined;
  drainMillis: number; drainFailures: number; stuckRestarts: number;
} {
  const s = sampler();
  return {
    running: s.backend !== undefined, hz: s.hz, backend: s.backend?.name, windows: s.windows.size, contextMode: s.backend?.bridge?.mode,
    drainMillis: s.drainMillis, drainFailures: s.drainFailures, stuckRestarts: s.stuckRestarts,
  };
}

/**
 * Sets the drain period (see DEFAULT_DRAIN_MILLIS) for sampling started after this call; returns
 * the previous one. Tests use it to reach the native buffer's limit in a short run.
 */
export function setCpuDrainMillis(millis: number): number {
  if (!Number.isInteger(millis) || millis < MIN_DRAIN_MILLIS) throw new InvalidArgumentError(`drain period must be an integer of at least ${MIN_DRAIN_MILLIS} ms (actual: ${String(millis)})`);
  const s = sampler();
  const prev = s.drainMillis;
  s.drainMillis = millis;
  return prev;
}

/**
 * Sets when the sampler first reads V8's profile on its own (see DEFAULT_EARLY_READ_MILLIS; 0: never)
 * for sampling started after this call; returns the previous value. For tests and bench/overhead.
 */
export function setCpuEarlyReadMillis(millis: number): number {
  if (!Number.isInteger(millis) || millis < 0) throw new InvalidArgumentError(`early read delay must be an integer of at least 0 ms (actual: ${String(millis)})`);
  const s = sampler();
  const prev = s.earlyReadMillis;
  s.earlyReadMillis = millis;
  return prev;
}

/** How long the native backend's early reads go on; see DEFAULT_EARLY_READ_WARM_NODES. */
export interface EarlyReadWarmUp {
  /** Until the walk has read this many nodes (Infinity: never warm). */
  warmNodes: number;
  /** At most this many reads. */
  maxReads: number;
  /** Until a read finds fewer nodes than this. */
  minReadNodes: number;
}

/**
 * Sets how long the native backend's early reads go on, for sampling started after this call;
 * returns the previous values. For tests and benches.
 */
export function setCpuEarlyReadWarmUp(w: EarlyReadWarmUp): EarlyReadWarmUp {
  const count = (name: string, v: number, min: number): void => {
    if (!(Number.isInteger(v) || v === Infinity) || v < min) throw new InvalidArgumentError(`early read ${name} must be an integer of at least ${min} or Infinity (actual: ${String(v)})`);
  };
  count('warmNodes', w.warmNodes, 0);
  count('maxReads', w.maxReads, 1);
  count('minReadNodes', w.minReadNodes, 0);
  const s = sampler();
  const prev = s.earlyReadWarmUp;
  s.earlyReadWarmUp = { warmNodes: w.warmNodes, maxReads: w.maxReads, minReadNodes: w.minReadNodes };
  return prev;
}

/**
 * Starts delivering sample contexts now if the sampler runs and a source was registered since it
 * started (otherwise the bridge would only be installed at the next window rotation).
 */
export function activateSampleContexts(): void {
  const s = sampler();
  const b = s.backend?.bridge;
  if (s.backend === undefined) s.prepareFrameContexts();
  else if (b !== undefined && hasSampleContextSources()) b.install();
}

/**
 * Re-reads the sample context of the running code after it changed in place (e.g. labels set with
 * `setContextLabels`, which has no `context.with` the bridge could see). No-op when not sampling.
 * With `onlyIfUnwrapped` (a `runWithLabels` scope, entered through `context.with`) it does
 * nothing while the bridge sees that call itself, i.e. unless the global context manager changed
 * since the bridge wrapped it (it rewraps at the next window rotation).
 */
export function refreshSampleContext(onlyIfUnwrapped = false): void {
  const b = sampler().activeBridge();
  if (b !== undefined && hasSampleContextSources()) b.refresh(onlyIfUnwrapped);
}

/**
 * Writes the sample context of `active` into `frame`, a new async frame a label scope is about to
 * enter (AsyncContextFrame runtimes with the native sampler; elsewhere nothing). See
 * `ContextBridge.writeFrameEntry`.
 */
export function writeSampleContextEntry(frame: Map<object, unknown>, active: Context): void {
  const b = sampler().activeBridge();
  if (b !== undefined && hasSampleContextSources()) b.writeFrameEntry(frame, active);
}
