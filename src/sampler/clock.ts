/**
 * Clock conversion: V8's profilers report microseconds on the monotonic clock that
 * `process.hrtime` uses; profiles need epoch time.
 */
import { performance } from 'node:perf_hooks';

/**
 * Offset to add to a monotonic `hrtime` microsecond value to get epoch microseconds. Computed
 * fresh on each call because the wall clock may be stepped (NTP) while the monotonic clock is not.
 */
export function monotonicToEpochOffsetMicros(): number {
  const epochMicros = (performance.timeOrigin + performance.now()) * 1000;
  const monoMicros = Number(process.hrtime.bigint() / 1000n);
  return epochMicros - monoMicros;
}

/** Epoch microseconds (a float) to epoch nanoseconds as a bigint. */
export function microsToNanos(micros: number): bigint {
  return BigInt(Math.round(micros)) * 1000n;
}

/** The current monotonic time in microseconds (same clock as V8's profiler timestamps). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint()) / 1000;
}
