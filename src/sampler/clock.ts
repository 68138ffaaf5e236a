/**
 * Clock conversion: V8's profilers report microseconds on the monotonic clock that
 * `process.hrtime` uses; profiles need epoch time.
 */
import { performance } from 'node:perf_hooks';
import { epochAtMonotonicZeroNanos } from '../pprof/clock';

/**
 * Offset to add to a monotonic `hrtime` microsecond value to get epoch microseconds, on the same
 * clock as the windows' bounds (`nowNanos`, which follows the wall clock when it is stepped) and
 * the addon's sample times (the system clock). Computed fresh on each call because the wall
 * clock may be stepped (NTP, a resumed VM) while the monotonic clock is not.
 */
export function monotonicToEpochOffsetMicros(): number {
  // Not `nowNanos() - hrtime()`: a pause between those two reads (the thread preempted on a busy
  // host) shifted the offset by its length, which the sampler took for a wall-clock step.
  return Number(epochAtMonotonicZeroNanos() / 1000n);
}

/** Epoch microseconds (a float) to epoch nanoseconds as a bigint. */
export function microsToNanos(micros: number): bigint {
  return BigInt(Math.round(micros)) * 1000n;
}

/** The current monotonic time in microseconds (same clock as V8's profiler timestamps). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

let performanceOrigin: number | undefined;

/**
 * The monotonic microsecond value (`monotonicMicros`) at which `performance.now()` reads 0, so a
 * `performance.now()` reading (no BigInt to allocate) lands on V8's sample clock. Measured once,
 * by reading `performance.now()` between two hrtime reads and keeping the tightest of several
 * tries. A single pair of reads (one of them cold, or preempted) was off by 2-27 us, and under
 * load the inspector's samples were seen bunched within microseconds before context switches:
 * that error moved them to the next context.
 */
export function performanceOriginMicros(): number {
  if (performanceOrigin === undefined) {
    let narrowest = Infinity;
    let origin = 0;
    for (let i = 0; i < 32; i++) {
      const before = monotonicMicros();
      const perf = performance.now() * 1000;
      const after = monotonicMicros();
      if (after - before < narrowest) {
        narrowest = after - before;
        origin = (before + after) / 2 - perf;
      }
    }
    performanceOrigin = origin;
  }
  return performanceOrigin;
}
