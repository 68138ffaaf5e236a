/**
 * `mutex`: contention on otelprof's `Mutex`, `RWMutex` and `Semaphore`. As in Go, the delay a
 * release caused (to the waiter it wakes and to those still queued) is charged to the stack that
 * held the lock when it was released (captured inside `unlock()` / `release()`), sampled 1 in
 * `setMutexProfileFraction(n)` events and scaled back by n. The releaser's labels are kept.
 * Cumulative.
 */
import { InvalidArgumentError } from '../errors';
import { currentLabels } from '../labels';
import { writeContentionText, type Label } from '../pprof';
import { captureUserStack } from '../sampler/async-resources-stack';
import { ContentionRecords } from '../sampler/loop-block-records';
import { contentionFraction, setContentionReporting, SYNC_SOURCE_DIR } from '../sync';
import { withMappedStacks } from '../sampler/source-maps';
import { contentionProfile } from './contention-profile';
import type { BuiltinProvider } from './provider';

const records = new ContentionRecords();
const OWN_DIRS: readonly string[] = [__dirname, SYNC_SOURCE_DIR];
const NO_LABELS: readonly Label[] = Object.freeze([]);

function observe(delayNanos: number): void {
  const fraction = Math.max(1, contentionFraction());
  records.add(captureUserStack(OWN_DIRS), currentLabels()?.toPprofLabels() ?? NO_LABELS, fraction, delayNanos * fraction);
}

/**
 * Go's `runtime.SetMutexProfileFraction`: reports 1 in `n` contention events on average; `0`
 * turns reporting off; a negative `n` only reads. Returns the previous fraction.
 *
 * @throws InvalidArgumentError if `n` is not an integer.
 */
export function setMutexProfileFraction(n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new InvalidArgumentError(`setMutexProfileFraction: rate must be an integer (got ${String(n)})`);
  }
  const previous = contentionFraction();
  if (n < 0) return previous;
  setContentionReporting(n, n > 0 ? observe : undefined);
  return previous;
}

export function mutexProfileProvider(): BuiltinProvider {
  return {
    name: 'mutex',
    count: () => records.size,
    snapshot: async () => contentionProfile(await withMappedStacks(records.records())),
    text: async () => writeContentionText(contentionProfile(await withMappedStacks(records.records())), 'mutex', {
      samplingPeriod: Math.max(1, contentionFraction()), scaled: true,
    }),
  };
}
