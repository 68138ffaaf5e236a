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

function heapProvider(kind: 'heap' | 'allocs'): BuiltinProvider {
  return {
    name: kind,
    // Go counts heap records; ours are known only after a read, so count what the last read saw.
    count: () => lastRecords.get(kind) ?? 0,
    async snapshot() {
      const p = await heapSnapshot(kind);
      lastRecords.set(kind, p.samples.length);
      return p;
    },
    async text() {
      const p = await this.snapshot();
      return writeHeapText(p, { rate: heapSamplerState()?.intervalBytes ?? 524288, scaled: true });
    },
  };
}

const lastRecords = new Map<string, number>();

export const heapProfileProvider = (): BuiltinProvider => heapProvider('heap');
export const allocsProfileProvider = (): BuiltinProvider => heapProvider('allocs');
