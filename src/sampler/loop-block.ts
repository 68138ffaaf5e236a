/**
 * The block profile's collector: event-loop stalls, attributed to the JS stacks that ran during
 * them. The loop-lag probe (loop-block-probe.ts) finds intervals in which the loop did not run
 * timers; the core CPU sampler's timestamped samples that fall in such an interval say what held
 * the loop. A stall counts when the time from its first busy sample to its end reaches the
 * threshold (`setBlockProfileRate`). Each distinct stack in a stall gets a share of the stall's
 * delay proportional to its samples, and the stack with the most samples gets the stall's one
 * contention; the samples' labels are kept.
 *
 * While on, the collector holds a window on the shared CPU sampler (so the sampler runs, at 100
 * Hz unless another consumer started it at another rate) and rotates it every 10 s.
 */
import { componentLogger } from '../otel-api';
import { InvalidArgumentError } from '../errors';
import type { Label, StackFrame } from '../pprof/model';
import { monotonicMicros, monotonicToEpochOffsetMicros } from './clock';
import { onCpuSamples, openCpuWindow, type CpuWindow } from './cpu-sampler';
import { ContentionRecords } from './loop-block-records';
import { LoopProbe, type StallCandidate } from './loop-block-probe';
import { sampleContextLabels } from './sample-context';
import type { RawCpuWindow } from './types';

const logger = componentLogger('otelprof/sampler');

/** Default stall threshold: 10 ms. */
export const DEFAULT_BLOCK_PROFILE_RATE_NANOS = 10_000_000;

const ROTATE_MILLIS = 10_000;
/** Busy samples are kept this long for stalls whose probe tick comes after their window was read. */
const KEEP_SAMPLES_MICROS = 60_000_000;
const MAX_KEPT_SAMPLES = 20_000;
const MAX_PENDING_STALLS = 1_000;
/** Epoch µs of 2001: a smaller timestamp is on the monotonic clock (a backend that did not convert). */
const EPOCH_FLOOR_MICROS = 1e15;

interface BusySample {
  readonly micros: number;
  readonly stack: readonly StackFrame[];
  readonly context: unknown;
}

class BlockCollector {
  readonly records = new ContentionRecords();
  rateNanos = 0;
  private readonly _probe = new LoopProbe((c) => this._onStall(c));
  private _window: CpuWindow | undefined;
  private _unsubscribe: (() => void) | undefined;
  private _rotateTimer: NodeJS.Timeout | undefined;
  private _samples: BusySample[] = [];
  /** Monotonic µs up to which samples have been delivered. */
  private _coveredMicros = 0;
  private _pending: StallCandidate[] = [];
  private _intervalNanos = 10_000_000;

  get running(): boolean {
    return this._probe.running;
  }

  start(rateNanos: number): void {
    this.rateNanos = rateNanos;
    if (this._window === undefined) {
      // Opened first: if the sampler cannot start, nothing is left half set up.
      this._window = openCpuWindow();
      this._unsubscribe = onCpuSamples((w) => this._onWindow(w));
      this._intervalNanos = Math.round(1e9 / this._window.hz);
      this._coveredMicros = monotonicMicros();
      this._rotateTimer = setInterval(() => this._rotate(), ROTATE_MILLIS);
      this._rotateTimer.unref();
    }
    this._probe.start(rateNanos);
  }

  stop(): void {
    this.rateNanos = 0;
    if (this._window === undefined) return;
    this._probe.stop();
    clearInterval(this._rotateTimer);
    this._rotateTimer = undefined;
    try {
      this._window.close();
    } catch (err) {
      logger.debug(`block profile: closing the CPU window failed: ${String(err)}`);
    }
    this._settle(Number.POSITIVE_INFINITY);
    this._unsubscribe?.();
    this._unsubscribe = undefined;
    this._window = undefined;
    this._samples = [];
    this._pending = [];
  }

  /** Brings the records up to date: notes a stall that just ended, reads the sampler, attributes. */
  flush(): void {
    if (this._window === undefined) return;
    this._probe.check();
    this._rotate();
    // Reading V8's profile takes a few ms (more on a loaded box); that is the reader's cost, not
    // the application's, so it is not measured as a stall.
    this._probe.restartGap();
  }

  private _rotate(): void {
    try {
      // The samples arrive through the onCpuSamples listener (as for every consumer's rotation).
      this._window?.rotate();
    } catch (err) {
      logger.debug(`block profile: reading the CPU sampler failed: ${String(err)}`);
    }
  }

  private _onStall(c: StallCandidate): void {
    if (this._pending.length >= MAX_PENDING_STALLS) this._pending.shift();
    this._pending.push(c);
    this._settle(this._coveredMicros);
  }

  private _onWindow(w: RawCpuWindow): void {
    const endMicros = Number(w.endNanos / 1000n);
    // Sample times are epoch µs; the probe works in monotonic µs.
    const offset = monotonicToEpochOffsetMicros();
    const toMono = (micros: number): number => (micros < EPOCH_FLOOR_MICROS ? micros : micros - offset);
    this._intervalNanos = w.intervalNanos;
    const samples = w.samples;
    for (let i = 0; i < samples.length; i++) {
      const t = samples.timeAt(i);
      if (samples.idleAt(i) || !Number.isFinite(t)) continue;
      this._samples.push({ micros: toMono(t), stack: samples.stackAt(i), context: samples.contextAt(i) });
    }
    this._coveredMicros = Math.max(this._coveredMicros, endMicros - offset);
    const horizon = this._coveredMicros - KEEP_SAMPLES_MICROS;
    let drop = 0;
    while (drop < this._samples.length && (this._samples[drop].micros < horizon || this._samples.length - drop > MAX_KEPT_SAMPLES)) drop++;
    // In place: a copy of the kept samples each rotation (~6,000 at 100 Hz) would be a new young
    // array that survives scavenges, adding its size to what makes V8 grow its young generation.
    if (drop > 0) this._samples.splice(0, drop);
    this._settle(this._coveredMicros);
  }

  /** Attributes every pending stall that ended before `coveredMicros`. */
  private _settle(coveredMicros: number): void {
    const still: StallCandidate[] = [];
    for (const c of this._pending) {
      if (c.endMicros <= coveredMicros) this._attribute(c);
      else still.push(c);
    }
    this._pending = still;
  }

  private _attribute(c: StallCandidate): void {
    const inStall = this._samples.filter((s) => s.micros > c.startMicros && s.micros <= c.endMicros);
    const threshold = this.rateNanos > 0 ? this.rateNanos : DEFAULT_BLOCK_PROFILE_RATE_NANOS;
    // No busy sample: the loop was idle and the timer late anyway (the host starved the
    // process), which no JS code caused.
    if (inStall.length === 0) return;
    // The stall began at most one sampling interval before its first busy sample.
    const begin = Math.max(c.startMicros, inStall[0].micros - this._intervalNanos / 1000);
    // Time the thread sat on a run queue (host overload, CPU throttling) did not hold the loop.
    const delayNanos = (c.endMicros - begin - c.runQueueMicros) * 1000;
    if (delayNanos < threshold) return;
    chargeStall(this.records, inStall, delayNanos);
  }
}

/**
 * Splits one stall's delay over its distinct (stack, labels) in proportion to their samples. The
 * stall counts as one contention, for the stack that ran most of it, so contentions add up to
 * the number of stalls (one event, one count, as in Go).
 */
function chargeStall(records: ContentionRecords, inStall: readonly BusySample[], delayNanos: number): void {
  const cache = new Map<unknown, readonly Label[]>();
  const groups = new Map<readonly StackFrame[], Map<readonly Label[], number>>();
  for (const s of inStall) {
    const labels = sampleContextLabels(s.context, cache);
    let byLabels = groups.get(s.stack);
    if (byLabels === undefined) groups.set(s.stack, (byLabels = new Map()));
    byLabels.set(labels, (byLabels.get(labels) ?? 0) + 1);
  }
  let top: { stack: readonly StackFrame[]; labels: readonly Label[]; n: number } | undefined;
  for (const [stack, byLabels] of groups) {
    for (const [labels, n] of byLabels) if (top === undefined || n > top.n) top = { stack, labels, n };
  }
  for (const [stack, byLabels] of groups) {
    for (const [labels, n] of byLabels) {
      const count = top !== undefined && top.stack === stack && top.labels === labels ? 1 : 0;
      records.add(stack, labels, count, Math.round((delayNanos * n) / inStall.length));
    }
  }
}

// One collector per thread (the probe and the sampler are per thread), shared by every copy of otelprof.
const KEY = Symbol.for('otelprof.sampler.block');
function collector(): BlockCollector {
  const g = globalThis as { [KEY]?: BlockCollector };
  if (g[KEY] === undefined) g[KEY] = new BlockCollector();
  return g[KEY] as BlockCollector;
}

/**
 * Go's `runtime.SetBlockProfileRate`, for event-loop blocking: from now on, every stall of the
 * event loop lasting at least `rateNanos` nanoseconds is recorded in the block profile with the
 * stacks that ran during it. `rateNanos <= 0` turns recording off (what was recorded stays: the
 * block profile is cumulative, as in Go). Turning it on starts the probe timer and holds a window
 * on the shared CPU sampler (which starts it at 100 Hz if nothing else runs it). Recommended
 * value: {@link DEFAULT_BLOCK_PROFILE_RATE_NANOS} (10 ms).
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `rateNanos` is not a finite number.
 */
export function setBlockProfileRate(rateNanos: number): void {
  if (typeof rateNanos !== 'number' || !Number.isFinite(rateNanos)) {
    throw new InvalidArgumentError(`setBlockProfileRate: rate must be a finite number of nanoseconds (got ${String(rateNanos)})`);
  }
  if (rateNanos <= 0) collector().stop();
  else collector().start(Math.max(1_000_000, Math.round(rateNanos)));
}

/** The current stall threshold in nanoseconds, 0 when block profiling is off. */
export function blockProfileRate(): number {
  return collector().rateNanos;
}

/** Reads pending samples and attributes finished stalls, so the records are current. */
export function flushBlockProfile(): void {
  collector().flush();
}

/** The block profile's records (call {@link flushBlockProfile} first for up-to-date data). */
export function blockRecords(): ContentionRecords {
  return collector().records;
}
