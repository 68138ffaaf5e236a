/**
 * One view of the index page reads the heap sampler once: `heap` and `allocs` show the same count
 * (Go's countHeap for both), and each read walks V8's sample tree on the event loop (in `allocs`
 * mode it also folds and resets the sampler's buffer). Reads are counted where they leave otelprof:
 * the `@datadog/pprof` addon's `getAllocationProfile`, spied on and still called through.
 */
import { servePprof, type PprofServer } from '../../src/http';
import { heapSamplerState, startHeapSampler, stopHeapSampler } from '../../src/sampler';
import { loadNativeAddon } from '../../src/sampler/native-addon';
import type { HeapMode } from '../../src/sampler';

let server: PprofServer | undefined;
afterEach(async () => {
  jest.restoreAllMocks();
  await server?.close();
  server = undefined;
  stopHeapSampler();
});

/** The index's Count column by profile name. */
async function indexCounts(url: string): Promise<Map<string, number>> {
  const html = await (await fetch(url)).text();
  return new Map([...html.matchAll(/<tr><td>(\d+)<\/td><td><a href='[^']*'>([^<]*)<\/a>/g)].map((m) => [m[2], Number(m[1])]));
}

test.each<HeapMode>(['heap', 'allocs'])('in %s mode, one index view reads the heap sampler once and shows its count for both', async (mode) => {
  // Started here, with the addon as its reader, so every read goes through getAllocationProfile.
  startHeapSampler({ mode, backend: 'native' });
  expect(heapSamplerState()?.mode).toBe(mode);
  server = await servePprof({ port: 0 });
  const kept = Array.from({ length: 50_000 }, (_, i) => ({ i, s: `v${i}` }));
  const reads = jest.spyOn(loadNativeAddon().heapProfiler, 'getAllocationProfile');
  const counts = await indexCounts(server.url);
  expect(reads).toHaveBeenCalledTimes(1);
  expect(counts.get('heap')).toBeGreaterThan(0);
  expect(counts.get('allocs')).toBe(counts.get('heap'));
  expect(kept.length).toBe(50_000);
});
