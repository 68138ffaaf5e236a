/**
 * Picks the CPU sampling backend: the `backend` option, else `OTELPROF_SAMPLER`, else native; if
 * the native addon cannot load or its profiler cannot start, the inspector takes over and this is
 * logged once.
 */
import { componentLogger } from '../otel-api';
import { InvalidArgumentError } from '../errors';
import type { CpuBackend } from './cpu-backend';
import type * as InspectorCpu from './inspector-cpu';
import { asyncContextFrameActive, asyncContextFramePossible } from './native-addon';
import { NativeCpuBackend } from './native-cpu';
import type { SamplerBackendName } from './types';

const log = componentLogger('otelprof/sampler');
let warnedFallback = false;
let warnedEnv = false;
let warnedStartFallback = false;

/** The backend asked for by code or environment (`native` when neither says). */
export function requestedBackend(option?: SamplerBackendName): SamplerBackendName {
  if (option !== undefined) {
    if (option !== 'native' && option !== 'inspector') {
      throw new InvalidArgumentError(`backend must be 'native' or 'inspector' (actual: ${String(option)})`);
    }
    return option;
  }
  const env = (process.env.OTELPROF_SAMPLER ?? '').trim().toLowerCase();
  if (env === '') return 'native';
  if (env === 'native' || env === 'inspector') return env;
  if (!warnedEnv) {
    warnedEnv = true;
    log.warn(`Configuration: OTELPROF_SAMPLER is invalid, expected native or inspector (actual: ${env}); using native`);
  }
  return 'native';
}

/**
 * Creates and starts the CPU backend, with its context bridge installed when `withBridge()` says
 * so. When the native profiler cannot start (the addon allows one profiler per process, so
 * dd-trace's profiler, loaded from the same addon copy, refuses ours), the inspector takes over
 * (logged once); a backend that fails to start leaves no bridge installed.
 */
export function startCpuBackend(
  intervalMicros: number, option: SamplerBackendName | undefined, drainMillis: number, withBridge: () => boolean, existing?: CpuBackend,
): CpuBackend {
  const backend = existing ?? createCpuBackend(intervalMicros, option, drainMillis);
  try {
    return started(backend, withBridge);
  } catch (err) {
    if (backend.name !== 'native') throw err;
    if (!warnedStartFallback) {
      warnedStartFallback = true;
      log.warn(`the native CPU profiler could not start, using node:inspector for CPU profiles: ${(err as Error).message}`);
    }
    return started(inspectorBackend(intervalMicros), withBridge);
  }
}

function started(backend: CpuBackend, withBridge: () => boolean): CpuBackend {
  const bridge = backend.bridge !== undefined && withBridge() ? backend.bridge : undefined;
  bridge?.install();
  try {
    backend.start();
  } catch (err) {
    bridge?.uninstall();
    throw err;
  }
  return backend;
}

/**
 * Creates the CPU backend, falling back to the inspector when the addon cannot load.
 * `drainMillis`: the longest time the sampler lets pass between two collects.
 */
export function createCpuBackend(intervalMicros: number, option: SamplerBackendName | undefined, drainMillis: number): CpuBackend {
  if (requestedBackend(option) === 'native') {
    try {
      // The buffer holds twice the drain period: a drain timer late by a whole period loses nothing.
      // (The addon refuses a buffer shorter than one interval.)
      return new NativeCpuBackend(intervalMicros, nativeBufferMillis(intervalMicros, drainMillis));
    } catch (err) {
      if (!warnedFallback) {
        warnedFallback = true;
        log.warn(`@datadog/pprof could not be loaded, using node:inspector for CPU profiles: ${(err as Error).message}`);
      }
    }
  }
  return inspectorBackend(intervalMicros);
}

/** The fallback backend; its module loads only where the inspector samples. */
function inspectorBackend(intervalMicros: number): CpuBackend {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return new (require('./inspector-cpu') as typeof InspectorCpu).InspectorCpuBackend(intervalMicros);
}

/** The native buffer for a drain period (the addon refuses a buffer shorter than one interval). */
export function nativeBufferMillis(intervalMicros: number, drainMillis: number): number {
  return Math.max(drainMillis, Math.ceil(intervalMicros / 1000));
}

/** The shortest drain period (setCpuDrainMillis's lower bound). */
export const MIN_DRAIN_MILLIS = 10;

/** Bytes of one slot of the addon's per-sample buffer (a context pointer and three times). */
const NATIVE_SLOT_BYTES = 48;
/**
 * The most the addon's per-sample buffer may take. The addon allocates a new buffer of the whole
 * size at every read of V8's profile and frees the old one (a 60 s buffer at 100 Hz was 576 KB per
 * read). Under glibc's default mmap threshold (128 KiB) it comes from malloc's free blocks instead
 * of a mapping (presumed mechanism). Measured: 1000 reads left 10.4-10.6 MB outside the JS heap
 * against 11.3-12.6 with the 60 s buffer (bench/outside-heap.js; bench/RESULTS.md, twenty-third pass).
 */
const NATIVE_BUFFER_MAX_BYTES = 120 * 1024;

/**
 * The drain period a run at `intervalMicros` uses: `drainMillis`, shortened so that the native
 * buffer (2 slots per interval of the period) stays within NATIVE_BUFFER_MAX_BYTES: 12.8 s at
 * 100 Hz, above the scheduler's 10 s upload interval, so the drain does not fire under it.
 */
export function drainMillisFor(intervalMicros: number, drainMillis: number): number {
  const slots = NATIVE_BUFFER_MAX_BYTES / NATIVE_SLOT_BYTES;
  const fits = Math.floor((slots / 2) * (intervalMicros / 1000));
  return Math.max(Math.min(drainMillis, fits), MIN_DRAIN_MILLIS);
}

/**
 * A native backend whose bridge keeps sample contexts in async frames (`frame` mode), created
 * before sampling starts; undefined where that mode does not apply: the inspector asked for, no
 * addon, no AsyncContextFrame (Node 20, 22 without the flag; checked without loading the addon
 * there), Windows.
 */
export function createFrameBackend(intervalMicros: number, drainMillis: number): NativeCpuBackend | undefined {
  if (requestedBackend() !== 'native' || process.platform === 'win32') return undefined;
  if (!asyncContextFramePossible() || !asyncContextFrameActive()) return undefined;
  try {
    const backend = new NativeCpuBackend(intervalMicros, nativeBufferMillis(intervalMicros, drainMillis));
    if (backend.bridge?.mode === 'frame') return backend;
    backend.dispose();
  } catch {
    // No addon: the sampler falls back to the inspector when it starts, which needs no frames.
  }
  return undefined;
}
