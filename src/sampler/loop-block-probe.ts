/**
 * The loop-lag probe: one unref'ed interval timer and no async hooks. A timer callback can only
 * run when the event loop is free, so when two consecutive ticks are `gap` apart, the loop did
 * not reach its timers phase during that interval: if `gap` is at least the threshold, the
 * interval is a stall candidate (an upper bound; the CPU samples inside it tell what ran).
 */
import { monotonicMicros } from './clock';

/** A stretch of time, monotonic microseconds, in which the loop did not run timers. */
export interface StallCandidate {
  readonly startMicros: number;
  readonly endMicros: number;
}

/** Tick period for a threshold: half of it, so an on-time gap never reaches it; at least 1 ms. */
export function probeIntervalMillis(thresholdNanos: number): number {
  return Math.max(1, Math.floor(thresholdNanos / 2e6));
}

/** Runs the probe timer and reports every gap of at least the threshold. */
export class LoopProbe {
  private _timer: NodeJS.Timeout | undefined;
  private _last = 0;
  private _thresholdMicros = 0;

  constructor(private readonly _onStall: (c: StallCandidate) => void) {}

  get running(): boolean {
    return this._timer !== undefined;
  }

  /** (Re)starts the probe for `thresholdNanos`. */
  start(thresholdNanos: number): void {
    this.stop();
    this._thresholdMicros = thresholdNanos / 1000;
    this._last = monotonicMicros();
    this._timer = setInterval(() => this._tick(), probeIntervalMillis(thresholdNanos));
    this._timer.unref();
  }

  stop(): void {
    if (this._timer !== undefined) clearInterval(this._timer);
    this._timer = undefined;
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
  }

  private _tick(): void {
    const now = monotonicMicros();
    const last = this._last;
    this._last = now;
    if (now - last >= this._thresholdMicros) this._onStall({ startMicros: last, endMicros: now });
  }
}
