import { performance } from 'node:perf_hooks';
import { RunQueueWait } from '../../src/sampler/loop-block-schedstat';

/**
 * A check that turns true once this thread has held the loop for `ms` not spent waiting for a
 * CPU: wall time minus the thread's run-queue wait (Linux schedstat, what the loop-lag probe and
 * the block profile subtract from a stall; plain wall time elsewhere), so a test stall counts as
 * `ms` there however loaded the machine is. Process CPU time, used before, also counts other
 * threads (GC helpers, the profiler's thread), so a stall held by it could count for less; the
 * thread's own CPU time in schedstat only advances at scheduler ticks, so one held by it overran.
 */
export function heldFor(ms: number): () => boolean {
  const wait = new RunQueueWait();
  wait.open();
  const held = (): number => performance.now() - wait.read() / 1000;
  const end = held() + ms;
  return () => {
    if (held() < end) return false;
    wait.close();
    return true;
  };
}
