/**
 * From the resolved configuration to the scheduler's collectors, with the runtime settings each
 * profile type needs (heap sampler, block threshold, mutex fraction, goroutine stacks). Returns a
 * `restore()` that puts the runtime settings back as they were at shutdown.
 */
import type { ProfilingConfig } from '../config';
import { setBlockProfileRate, setMutexProfileFraction } from '../profiles';
import {
  blockProfileRate, disableGoroutineStacks, enableGoroutineStacks, goroutineStacksEnabled, heapSamplerState, startHeapSampler,
} from '../sampler';
import { componentLogger } from '../otel-api';
import { cpuWallCollector, deltaCollector, snapshotCollector, type Collector } from './collectors';

const log = componentLogger('otelprof/scheduler');

/** Collectors plus the undo of the runtime settings they changed. */
export interface CollectorSetup {
  collectors: Collector[];
  restore(): void;
}

/**
 * Cumulative types: each period sends the delta of two snapshots (Go's block/mutex/threadcreate and
 * allocs are totals since start). heap, goroutine and custom profiles are point-in-time states.
 */
const CUMULATIVE = new Set(['block', 'mutex', 'threadcreate', 'allocs']);

/**
 * Builds one collector per enabled type (cpu and wall share one CPU window). Throws only for
 * settings V8 cannot honour (e.g. the heap sampler already runs in the other mode).
 */
export function buildCollectors(config: ProfilingConfig): CollectorSetup {
  const undo: Array<() => void> = [];
  const collectors: Collector[] = [];
  const restore = (): void => {
    for (const u of undo.reverse()) {
      try {
        u();
      } catch {
        // Restoring a setting is best effort; profiling is over either way.
      }
    }
  };
  try {
    addCollectors(config, collectors, undo);
  } catch (err) {
    for (const c of collectors) c.close();
    restore();
    throw err;
  }
  return { collectors, restore };
}

function addCollectors(config: ProfilingConfig, collectors: Collector[], undo: Array<() => void>): void {
  const types = new Set(config.profileTypes);
  if (types.has('cpu') || types.has('wall')) {
    collectors.push(cpuWallCollector({ cpu: types.has('cpu'), wall: types.has('wall'), hz: config.cpuHz, backend: config.sampler }));
  }
  const running = heapSamplerState();
  if (types.has('allocs') && running?.mode === 'heap') {
    // V8 has one heap sampler per thread, and its mode is fixed while it runs (a pull endpoint or a
    // heap read started it first): allocs then shows live objects only.
    log.warn('allocs: the heap sampler already runs in heap mode (started before startProfiling, e.g. by a pull endpoint); allocs profiles show live objects only');
  }
  if ((types.has('heap') || types.has('allocs')) && running === undefined) {
    // Started now so the first window already has samples (lookup('heap') would start it lazily).
    startHeapSampler({
      mode: config.heapMode === 'all' ? 'allocs' : 'heap',
      intervalBytes: config.heapSamplingIntervalBytes,
      stackDepth: config.heapStackDepth,
      backend: config.sampler,
    });
  }
  if (types.has('block')) {
    const previous = blockProfileRate();
    setBlockProfileRate(config.blockProfileRateNanos);
    undo.push(() => setBlockProfileRate(previous));
  }
  if (types.has('mutex')) {
    const previous = setMutexProfileFraction(config.mutexProfileFraction);
    undo.push(() => setMutexProfileFraction(previous));
  }
  if (types.has('goroutine') && config.goroutineStacks && !goroutineStacksEnabled()) {
    enableGoroutineStacks({ promises: config.goroutinePromises });
    undo.push(() => disableGoroutineStacks());
  }
  for (const type of types) {
    if (type === 'cpu' || type === 'wall') continue;
    collectors.push(CUMULATIVE.has(type) ? deltaCollector(type) : snapshotCollector(type));
  }
}
