import { performance } from 'node:perf_hooks';
import { RunQueueWait } from '../../src/sampler/loop-block-schedstat';

/**
 * A clock of the time this thread has held the CPU or wanted it but not waited for it: wall time
 * minus the thread's run-queue wait (Linux schedstat, what the loop-lag probe and the block profile
 * subtract from a stall; plain wall time elsewhere). A test stall of `ms` on this clock counts as
 * `ms` there however loaded the machine is. Process CPU time, used before, also counts other
 * threads (GC helpers, the profiler's thread), so a stall held by it could count for less; the
 * thread's own CPU time in schedstat only advances at scheduler ticks, so one held by it overran.
 */
export function heldClock(): { millis(): number; close(): void } {
  const wait = new RunQueueWait();
  wait.open();
  return {
    millis: () => performance.now() - wait.read() / 1000,
    close: () => wait.close(),
  };
}
