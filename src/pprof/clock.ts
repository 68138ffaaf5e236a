/** Re-anchor when the monotonic clock and the wall clock disagree by more than this (NTP steps). */
const MAX_DRIFT_NANOS = 5_000_000n;

let anchorEpoch = 0n;
let anchorHr = 0n;

/**
 * Current time as nanoseconds since the Unix epoch, with `process.hrtime` precision: the wall
 * clock is read once (millisecond precision) and the monotonic clock measures from there. When
 * the two drift apart by more than 5 ms (the wall clock was stepped) the anchor is re-read.
 */
export function nowNanos(): bigint {
  const hr = process.hrtime.bigint();
  const wall = BigInt(Date.now()) * 1_000_000n;
  if (anchorHr === 0n) {
    anchorEpoch = wall;
    anchorHr = hr;
    return wall;
  }
  const now = anchorEpoch + (hr - anchorHr);
  const drift = now - wall;
  if (drift > MAX_DRIFT_NANOS || drift < -MAX_DRIFT_NANOS) {
    anchorEpoch = wall;
    anchorHr = hr;
    return wall;
  }
  return now;
}

/**
 * The epoch time of monotonic time 0 (`process.hrtime`) in nanoseconds: what `nowNanos` adds to the
 * monotonic clock. It moves only when `nowNanos` re-anchors (the wall clock was stepped). Taken
 * from the anchor rather than from a second clock read, so a thread paused between two reads
 * cannot shift it.
 */
export function epochAtMonotonicZeroNanos(): bigint {
  nowNanos(); // re-anchors first if the wall clock was stepped
  return anchorEpoch - anchorHr;
}
