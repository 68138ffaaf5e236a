/**
 * `goroutine`: live async work. `count()` is Node's count of live handles and requests. The
 * profile groups them by type, or, with creation-stack tracking on (`enableGoroutineStacks()` or
 * `OTELPROF_GOROUTINE_STACKS=true`), by the stack that created each live resource, with the
 * labels active there; the resource type is the leaf frame, e.g. `(Timeout)`.
 */
import { readEnv } from '../config';
import { ProfileBuilder, writeCountText, type Profile as PprofProfile, type StackFrame } from '../pprof';
import {
  activeResourceCount, activeResourceTypes, enableGoroutineStacks, goroutineStacksEnabled,
} from '../sampler';
import { droppedAsyncResources, liveAsyncResources } from '../sampler/async-resources';
import { dumpResourceTypes, dumpTrackedResources } from '../sampler/async-resources-dump';
import { withMappedStacks } from '../sampler/source-maps';
import type { BuiltinProvider } from './provider';

const typeFrames = new Map<string, StackFrame>();

/** The pseudo-frame naming a resource type, `(Timeout)`. */
function typeFrame(type: string): StackFrame {
  let f = typeFrames.get(type);
  if (f === undefined) {
    f = Object.freeze({ functionName: `(${type})`, fileName: '', line: 0, column: 0 });
    typeFrames.set(type, f);
  }
  return f;
}

async function snapshot(): Promise<PprofProfile> {
  const live = goroutineStacksEnabled() ? await withMappedStacks(liveAsyncResources()) : undefined;
  const b = new ProfileBuilder({
    sampleTypes: [{ type: 'goroutine', unit: 'count' }],
    periodType: { type: 'goroutine', unit: 'count' },
    period: 1,
    keepEmptyLabels: true,
  });
  if (live !== undefined) {
    for (const r of live) {
      // Empty values kept, as Go keeps `pprof.Labels("k", "")` (`# labels: {"k":""}`, a key-only proto label).
      b.addSample([typeFrame(r.type), ...r.stack], [1], r.labels?.toPprofLabels(true));
    }
  } else {
    for (const [type, n] of activeResourceTypes()) b.addSample([typeFrame(type)], [n]);
  }
  return b.build();
}

/** The goroutine provider; turns creation stacks on when `OTELPROF_GOROUTINE_STACKS` asks for it. */
export function goroutineProfileProvider(): BuiltinProvider {
  if (readEnv(process.env).options.goroutineStacks === true && !goroutineStacksEnabled()) enableGoroutineStacks();
  return {
    name: 'goroutine',
    count: activeResourceCount,
    snapshot,
    async text(debug) {
      if (debug >= 2) {
        if (!goroutineStacksEnabled()) return dumpResourceTypes(activeResourceTypes());
        return dumpTrackedResources(await withMappedStacks(liveAsyncResources()), droppedAsyncResources());
      }
      return writeCountText(await snapshot(), 'goroutine');
    },
  };
}
