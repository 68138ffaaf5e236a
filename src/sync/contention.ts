/**
 * Where the lock primitives report contention. `sync/` records nothing itself: a profiler
 * installs one observer, and each release that grants a waiting caller is offered to it with the
 * delay that release caused (see `WaiterQueue`), sampled 1 in `fraction` (Go's
 * `SetMutexProfileFraction`). The observer runs synchronously inside the releasing call
 * (`unlock()`, `release()`), so it can capture the releaser's stack.
 */
import { performance } from 'node:perf_hooks';

/** Receives one sampled contention: how long the waiter waited, in nanoseconds. */
export type ContentionObserver = (delayNanos: number) => void;

const state: { fraction: number; observer: ContentionObserver | undefined; errors: number } = {
  fraction: 0,
  observer: undefined,
  errors: 0,
};

/** Milliseconds on the monotonic clock (`performance.now()`). */
export function nowMillis(): number {
  return performance.now();
}

/** True when waits are being timed (profiling on and an observer installed). */
export function contentionEnabled(): boolean {
  return state.fraction > 0 && state.observer !== undefined;
}

/**
 * Installs (or with `undefined`, removes) the single observer and sets the sampling fraction:
 * 0 turns reporting off, 1 reports every contention, n reports 1 in n on average.
 * Returns the previous fraction.
 */
export function setContentionReporting(fraction: number, observer: ContentionObserver | undefined): number {
  const prev = state.fraction;
  state.fraction = fraction;
  state.observer = observer;
  return prev;
}

/** The current sampling fraction (0 = off). */
export function contentionFraction(): number {
  return state.fraction;
}

/** Number of observer failures swallowed so far (an observer must never break a lock). */
export function contentionObserverErrors(): number {
  return state.errors;
}

/** Called by a waiter queue when a release that caused `delayMillis` of waiting grants a waiter. */
export function noteContention(delayMillis: number): void {
  const { fraction, observer } = state;
  if (fraction <= 0 || observer === undefined) return;
  // Go samples with cheaprandn(rate) == 0: each event has probability 1/rate.
  if (fraction > 1 && Math.random() * fraction >= 1) return;
  const delayNanos = Math.max(0, Math.round(delayMillis * 1e6));
  try {
    observer(delayNanos);
  } catch {
    // The profiler must never break the lock hand-off it is observing.
    state.errors++;
  }
}
