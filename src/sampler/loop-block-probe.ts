/**
 * The loop-lag probe: one unref'ed interval timer and no async hooks. A timer callback can only
 * run when the event loop is free, so when two consecutive ticks are `gap` apart, the loop did
 * not reach its timers phase during that interval: if `gap` is at least the threshold, the
 * interval is a stall candidate (an upper bound; the CPU samples inside it tell what ran).
 */
import { monotonicMicros } from './clock';
import { RunQueueWait } from './loop-block-schedstat';

/** A stretch of time, monotonic microseconds, in which the loop did not run timers. */
export interface StallCandidate {
  readonly startMicros: number;
  readonly endMicros: number;
  /** Of that time, how long the thread waited for a CPU (0 when the platform cannot tell). */
  readonly runQueueMicros: number;
}

/**
 * Tick period for a threshold: three quarters of it (at least 1 ms). Every stall of at least the
 * threshold makes a gap of at least the threshold whatever the period; a period below the
 * threshold keeps on-time gaps (period + a little timer slack) under it, and a long period keeps
 * wake-ups of an idle process few (each costs a few µs of CPU: see bench/RESULTS.md).
 */
export function probeIntervalMillis(thresholdNanos: number): number {
  return Math.max(1, Math.floor((thresholdNanos * 0.75) / 1e6));
}

/** Runs the probe timer and reports every gap of at least the threshold. */
export class LoopProbe {
  private _timer: NodeJS.Timeout | undefined;
  private _last = 0;
  private _thresholdMicros = 0;
  private readonly _wait = new RunQueueWait();
  private _lastWait = 0;

  constructor(private readonly _onStall: (c: StallCandidate) => void) {}

  get running(): boolean {
    return this._timer !== undefined;
  }

  /** (Re)starts the probe for `thresholdNanos`. */
  start(thresholdNanos: number): void {
    this.stop();
    this._thresholdMicros = thresholdNanos / 1000;
    this._wait.open();
    this._lastWait = this._wait.read();
    this._last = monotonicMicros();
    this._timer = setInterval(() => this._tick(), probeIntervalMillis(thresholdNanos));
    this._timer.unref();
  }

  stop(): void {
    if (this._timer !== undefined) clearInterval(this._timer);
    this._timer = undefined;
    this._wait.close();
  }

  /** Checks the time since the last tick right now (used before a snapshot, so a stall that just ended is seen). */
  check(): void {
    if (this._timer !== undefined) this._tick();
  }

  /**
   * Restarts the gap measurement now: the time since the last tick is not examined. Used after
   * the collector's own snapshot-time read of the sampler, which must not show up as a stall.
   */
  restartGap(): void {
    this._last = monotonicMicros();
    this._lastWait = this._wait.read();
  }

  private _tick(): void {
    const now = monotonicMicros();
    const wait = this._wait.read();
    const last = this._last;
    const lastWait = this._lastWait;
    this._last = now;
    this._lastWait = wait;
    if (now - last - (wait - lastWait) >= this._thresholdMicros) {
      this._onStall({ startMicros: last, endMicros: now, runQueueMicros: Math.max(0, wait - lastWait) });
    }
  }
}
