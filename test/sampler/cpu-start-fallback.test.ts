/**
 * The addon runs one CPU profiler per process: where another one already runs from the same addon
 * copy (dd-trace's profiler, deduplicated by npm), ours cannot start. CPU profiles then come from
 * the inspector, labels included, and the other profiler keeps running undisturbed.
 */
import { labels, runWithLabels, startCPUProfile, stopCPUProfile } from '../../src';
import { cpuSamplerState } from '../../src/sampler';
import { loadNativeAddon, type NativeTimeNode, type NativeTimeProfiler } from '../../src/sampler/native-addon';
import { goPprofOn } from '../support/go-pprof';
import { decodeIndependent, namedBurner, sink } from './helpers';

const spin = namedBurner('spinBesideOtherProfiler');
let other: NativeTimeProfiler | undefined;

afterEach(async () => {
  await stopCPUProfile();
  other?.stop(false);
  other?.dispose();
  other = undefined;
});

test('with another profiler of the same addon running, startCPUProfile falls back to the inspector', async () => {
  const addon = loadNativeAddon();
  other = new addon.TimeProfiler({
    intervalMicros: 10_000, durationMillis: 60_000, withContexts: false, collectCpuTime: false,
    collectAsyncId: false, useCPED: false, isMainThread: true, lineNumbers: false, workaroundV8Bug: false,
  });
  other.start();

  const out = sink();
  let backend: string | undefined;
  await runWithLabels(labels('job', 'beside'), async () => {
    startCPUProfile(out.stream);
    backend = cpuSamplerState().backend;
    spin(400);
  });
  await stopCPUProfile();
  expect(backend).toBe('inspector');

  const p = decodeIndependent(out.bytes());
  // Samples of one stack and label set are merged: count them by their `samples` value.
  const count = (pred: (s: (typeof p.samples)[number]) => boolean): number => p.samples.filter(pred).reduce((a, s) => a + s.values[0], 0);
  const mine = count((s) => s.functions.includes('spinBesideOtherProfiler'));
  expect(mine).toBeGreaterThan(20);
  expect(count((s) => s.functions.includes('spinBesideOtherProfiler') && s.labels.job === 'beside') / mine).toBeGreaterThan(0.9);
  expect(await goPprofOn(out.bytes(), ['-top'])).toContain('spinBesideOtherProfiler');

  // The other profiler was not disturbed: it saw the same work.
  const theirs = other.stop(false);
  other.dispose();
  other = undefined;
  const names: string[] = [];
  const walk = (n: NativeTimeNode): void => {
    names.push(n.name);
    n.children.forEach(walk);
  };
  walk(theirs.topDownRoot);
  expect(names).toContain('spinBesideOtherProfiler');
});
