/**
 * Clock conversion: V8's profilers report microseconds on the monotonic clock that
 * `process.hrtime` uses; profiles need epoch time.
 */
import { nowNanos } from '../pprof/clock';

/**
 * Offset to add to a monotonic `hrtime` microsecond value to get epoch microseconds, on the same
 * clock as the windows' bounds (`nowNanos`, which follows the wall clock when it is stepped) and
 * the addon's sample times (the system clock). Computed fresh on each call because the wall
 * clock may be stepped (NTP, a resumed VM) while the monotonic clock is not.
 */
export function monotonicToEpochOffsetMicros(): number {
  const mono = process.hrtime.bigint();
  return Number((nowNanos() - mono) / 1000n);
}

/** Epoch microseconds (a float) to epoch nanoseconds as a bigint. */
export function microsToNanos(micros: number): bigint {
  return BigInt(Math.round(micros)) * 1000n;
}

/** The current monotonic time in microseconds (same clock as V8's profiler timestamps). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint()) / 1000;
}
