/**
 * The first collection of a process pays one-time costs that later ones do not: compiling the
 * source-map library and its WebAssembly (when the app's files have maps), and the first
 * (interpreted) runs of the builders and the encoder. Measured inside that collection they were
 * single stalls of 5-15 ms. Continuous profiling pays them right after it starts instead, in
 * separate event-loop turns; the first real collection then runs warm code.
 */
import { startOncePerProcess } from '../once-per-process';
import { encode, gzip, yieldToEventLoop } from '../pprof';
import type { StackFrame } from '../pprof/model';
import { buildCpuProfile } from './cpu-profile';
import { RawCpuSamples } from './cpu-samples';
import { buildHeapProfile } from './heap-profile';
import { anyHasSourceMap, isMappable, warmUpSourceMaps } from './source-maps';
import type { RawCpuWindow, RawHeapSnapshot } from './types';

const KEY = Symbol.for('otelprof.sampler.warmedUp');

/**
 * Starts the warm-up in the background (once per process; later calls do nothing). Never throws
 * and never rejects: a failure only means the first collection pays the costs itself.
 */
export function warmUpCollections(): void {
  startOncePerProcess(KEY, (run) => setTimeout(run, 0), runWarmUp);
}

/** How many of the app's loaded files the warm-up looks at for source maps. */
const WARM_UP_FILES = 64;

/**
 * The app's CommonJS files loaded so far that source maps apply to (the same rule as mapping
 * itself). The source-map library (1-2 MB of RSS) is warmed only when one of them has a map.
 */
function loadedAppFiles(): string[] {
  const out: string[] = [];
  for (const file of Object.keys(require.cache)) {
    if (out.length === WARM_UP_FILES) break;
    if (isMappable(file)) out.push(file);
  }
  return out;
}

/** The warm-up itself (exported for tests); rejects only if something in it threw. */
export async function runWarmUp(): Promise<void> {
  if (await anyHasSourceMap(loadedAppFiles())) await warmUpSourceMaps();
  await yieldToEventLoop();
  const frames: StackFrame[] = [0, 1, 2].map((i) => Object.freeze({ functionName: `otelprof.warmUp${i}`, fileName: '', line: i + 1, column: 1 }));
  const stack = Object.freeze(frames.slice());
  const w: RawCpuWindow = {
    startNanos: 0n, endNanos: 20_000_000n, intervalNanos: 10_000_000, hasCpuTime: true, backend: 'native',
    samples: RawCpuSamples.of([
      { stack, timestampMicros: 0, cpuNanos: 10_000_000, idle: false, context: undefined },
      { stack, timestampMicros: 10_000, cpuNanos: 10_000_000, idle: false, context: undefined },
    ]),
  };
  const snap: RawHeapSnapshot = {
    mode: 'heap', intervalBytes: 524_288, timeNanos: 0n, hasInuse: true,
    records: [{ stack, inuseObjects: 1, inuseBytes: 64, allocObjects: 1, allocBytes: 64 }],
  };
  for (const build of [() => buildCpuProfile(w, 'cpu', { sourceMaps: false }), () => buildCpuProfile(w, 'wall', { sourceMaps: false }), () => buildHeapProfile(snap, 'heap')]) {
    const bytes = encode(await build());
    await yieldToEventLoop();
    await gzip(bytes);
  }
}
