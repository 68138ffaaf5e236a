/**
 * One turn of the event loop for background work (building, encoding profiles). Awaiting an
 * already-settled promise only runs microtasks, so without real turns a whole collection would
 * hold the loop as one long task. Callers are served one per turn, in call order: several
 * profiles built "in parallel" then take one turn each instead of sharing one.
 */
import { performance } from 'node:perf_hooks';

let tail: Promise<void> = Promise.resolve();

export function yieldToEventLoop(): Promise<void> {
  const turn = tail.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  tail = turn;
  return turn;
}

/**
 * Synchronous work a background step may do in one event-loop turn, in ms. The issue's goal is a
 * stall of at most 5 ms per collection; 2 ms leaves room for the step that cannot be cut (V8's
 * profiler stop/restart) and for the app's own task in the same turn.
 */
export const SLICE_MILLIS = 2;

/**
 * Cuts a long synchronous loop into turns of at most `budgetMillis` each. Check `due` inside the
 * loop (it reads the clock, which costs tens of nanoseconds) and `await next()` when it is true.
 */
export class TimeSlice {
  private _start = performance.now();

  constructor(private readonly _budgetMillis = SLICE_MILLIS) {}

  /** Whether this turn's budget is spent. */
  get due(): boolean {
    return performance.now() - this._start >= this._budgetMillis;
  }

  /** Leaves the event loop for one turn and starts a new budget. */
  async next(): Promise<void> {
    await yieldToEventLoop();
    this._start = performance.now();
  }
}
