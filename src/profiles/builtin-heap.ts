/**
 * The `heap` and `allocs` built-ins and `writeHeapProfile`, from the core sampler's heap sampler.
 * The sampler starts on first use in `heap` mode (live objects) unless something started it
 * before, e.g. `startProfiling` with `heapMode: 'all'` or `startHeapSampler({ mode: 'allocs' })`.
 */
import { writeHeapText, type Profile as PprofProfile } from '../pprof';
import { buildHeapProfile, heapSamplerState, startHeapSampler, takeHeapSnapshot } from '../sampler';
import type { BuiltinProvider } from './provider';
import { ProfileNotAvailableError } from './errors';

function ensureSampler(name: string): void {
  if (heapSamplerState() !== undefined) return;
  try {
    startHeapSampler({ mode: 'heap' });
  } catch (err) {
    throw new ProfileNotAvailableError(name, `the heap sampler could not start: ${(err as Error).message}`);
  }
}

async function heapSnapshot(kind: 'heap' | 'allocs'): Promise<PprofProfile> {
  ensureSampler(kind);
  return buildHeapProfile(takeHeapSnapshot(), kind);
}

/**
 * Go's `countHeap`: the records the sampler holds now (not those of the last write). A count does
 * not start the sampler (the index page counts every profile): not running, no records.
 */
function heapRecordCount(): number {
  return heapSamplerState() === undefined ? 0 : takeHeapSnapshot().records.length;
}

function heapProvider(kind: 'heap' | 'allocs'): BuiltinProvider {
  return {
    name: kind,
    count: heapRecordCount,
    snapshot: () => heapSnapshot(kind),
    async text() {
      const p = await this.snapshot();
      return writeHeapText(p, { rate: heapSamplerState()?.intervalBytes ?? 524288, scaled: true });
    },
  };
}

export const heapProfileProvider = (): BuiltinProvider => heapProvider('heap');
export const allocsProfileProvider = (): BuiltinProvider => heapProvider('allocs');
