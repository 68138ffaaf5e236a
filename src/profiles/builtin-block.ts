/**
 * `block`: event-loop stalls longer than the threshold (`setBlockProfileRate`), charged to the JS
 * stacks that held the loop, with their labels. Cumulative, like Go's.
 */
import { writeContentionText } from '../pprof';
import { blockRecords, flushBlockProfile, setBlockProfileRate as setSamplerBlockRate } from '../sampler';
import { withMappedStacks } from '../sampler/source-maps';
import { contentionProfile } from './contention-profile';
import { armLabelSampleContexts } from './label-contexts';
import type { BuiltinProvider } from './provider';

/**
 * Go's `runtime.SetBlockProfileRate` for the event loop: stalls of at least `rateNanos` are
 * recorded (default threshold when on: 10 ms); `0` or less turns recording off. Labels set with
 * `runWithLabels` are kept on the blocking stacks.
 *
 * @throws InvalidArgumentError if `rateNanos` is not a finite number.
 */
export function setBlockProfileRate(rateNanos: number): void {
  if (typeof rateNanos === 'number' && rateNanos > 0) armLabelSampleContexts();
  setSamplerBlockRate(rateNanos);
}

async function snapshot() {
  flushBlockProfile();
  return contentionProfile(await withMappedStacks(blockRecords().records()));
}

export function blockProfileProvider(): BuiltinProvider {
  return {
    name: 'block',
    // As the snapshot: stalls the sampler has not handed over yet count too.
    count: () => {
      flushBlockProfile();
      return blockRecords().size;
    },
    snapshot,
    text: async () => writeContentionText(await snapshot(), 'contention'),
  };
}
