/**
 * Small behaviours of the collection path: idle samples carry no labels (the Node 20 bridge no
 * longer clears its slot after each callback, so an idle loop still holds the last context), and
 * the warm-up that continuous profiling runs at start does its one-time work.
 */
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { buildCpuProfile, registerSampleContextSource } from '../../src/sampler';
import { resolveSampleContext } from '../../src/sampler/sample-context';
import { runWarmUp } from '../../src/sampler/warm-up';
import type { RawCpuWindow } from '../../src/sampler/types';
import type { StackFrame } from '../../src/pprof/model';

test('an idle sample carries no labels, a busy sample with the same context does', async () => {
  const value = {};
  const off = registerSampleContextSource({ current: () => value, labels: () => [{ key: 'route', str: '/a' }] });
  try {
    const ctx = resolveSampleContext(ROOT_CONTEXT);
    expect(ctx).toBeDefined();
    const busy: StackFrame[] = [{ functionName: 'handler', fileName: '/app.js', line: 3, column: 1 }];
    const idle: StackFrame[] = [{ functionName: '(idle)', fileName: '', line: 0, column: 0 }];
    const w: RawCpuWindow = {
      startNanos: 0n, endNanos: 20_000_000n, intervalNanos: 10_000_000, hasCpuTime: true, backend: 'native',
      samples: [
        { stack: busy, timestampMicros: 0, cpuNanos: 10_000_000, idle: false, context: ctx },
        { stack: idle, timestampMicros: 10_000, cpuNanos: 0, idle: true, context: ctx },
      ],
    };
    const p = await buildCpuProfile(w, 'wall', { sourceMaps: false });
    const nameOf = (locId: number): string => {
      const loc = p.locations.find((l) => l.id === locId);
      return p.functions.find((f) => f.id === loc?.lines[0].functionId)?.name ?? '';
    };
    const byLeaf = new Map(p.samples.map((s) => [nameOf(s.locationIds[0]), s.labels]));
    expect(byLeaf.get('handler')).toEqual([{ key: 'route', str: '/a' }]);
    expect(byLeaf.get('(idle)')).toEqual([]);
  } finally {
    off();
  }
});

test('the warm-up loads the source-map library and runs the build, encode and gzip path', async () => {
  await expect(runWarmUp()).resolves.toBeUndefined();
  expect(Object.keys(require.cache).some((k) => k.includes('/node_modules/source-map/'))).toBe(true);
});
