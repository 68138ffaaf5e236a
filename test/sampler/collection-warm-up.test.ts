/**
 * Small behaviours of the collection path: idle samples carry no labels (the Node 20 bridge no
 * longer clears its slot after each callback, so an idle loop still holds the last context), and
 * the warm-up that continuous profiling runs at start does its one-time work (the source-map
 * library only where the app's files have maps).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { buildCpuProfile, RawCpuSamples, registerSampleContextSource } from '../../src/sampler';
import { resolveSampleContext } from '../../src/sampler/sample-context';
import { runWarmUp } from '../../src/sampler/warm-up';
import { mapFrame, prepareSourceMaps } from '../../src/sampler/source-maps';
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
      samples: RawCpuSamples.of([
        { stack: busy, timestampMicros: 0, cpuNanos: 10_000_000, idle: false, context: ctx },
        { stack: idle, timestampMicros: 10_000, cpuNanos: 0, idle: true, context: ctx },
      ]),
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

const sourceMapLoaded = (): boolean => Object.keys(require.cache).some((k) => k.includes('/node_modules/source-map/'));

// In this order: the first warm-up runs before any file with a map is loaded.
test('without app files that have source maps, the warm-up runs the build path and leaves source-map unloaded', async () => {
  await expect(runWarmUp()).resolves.toBeUndefined();
  expect(sourceMapLoaded()).toBe(false);
});

test('with a loaded app file that has a source map, the warm-up loads the source-map library', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-warm-up-'));
  const file = join(dir, 'mapped.js');
  // Generated line 2, column 0 maps to line 5, column 0 of orig.ts (mappings ";AAIA").
  const map = { version: 3, file: 'mapped.js', sources: ['orig.ts'], names: [], mappings: ';AAIA' };
  writeFileSync(file, `'use strict';\nmodule.exports = function warmUpMapped() { return 1; };\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect((require(file) as () => number)()).toBe(1);
  expect(sourceMapLoaded()).toBe(false);
  await runWarmUp();
  expect(sourceMapLoaded()).toBe(true);
  // The file's own map loads at the first collection that samples it.
  await prepareSourceMaps([file]);
  expect(mapFrame({ functionName: 'warmUpMapped', fileName: file, line: 2, column: 1 })).toMatchObject({ fileName: join(dir, 'orig.ts'), line: 5 });
});
