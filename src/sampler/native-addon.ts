/**
 * Lazy loader of the `@datadog/pprof` native addon (pinned in package.json). Loading happens on
 * first use, never on import; a failure is remembered so the inspector fallback is chosen once.
 */
import { join } from 'node:path';

/** The parts of the addon's time profiler the sampler uses. */
export interface NativeTimeProfiler {
  start(): void;
  stop(restart: boolean): NativeTimeProfile;
  dispose(): void;
  context: unknown;
  createContextHolder(value: object): unknown;
}

export interface NativeTimeNode {
  name: string;
  scriptName: string;
  scriptId?: number;
  lineNumber?: number;
  columnNumber?: number;
  hitCount: number;
  children: NativeTimeNode[];
  contexts?: Array<{ context?: unknown; timestamp: bigint; cpuTime?: number }>;
}

export interface NativeTimeProfile {
  topDownRoot: NativeTimeNode;
  /** Monotonic microseconds. */
  startTime: number;
  endTime: number;
  hasCpuTime?: boolean;
}

export interface NativeAllocationNode {
  name: string;
  scriptName: string;
  lineNumber?: number;
  columnNumber?: number;
  allocations: Array<{ sizeBytes?: number; count?: number }>;
  children: NativeAllocationNode[];
}

export interface NativeAddon {
  TimeProfiler: new (opts: Record<string, unknown>) => NativeTimeProfiler;
  heapProfiler: {
    startSamplingHeapProfiler(intervalBytes: number, stackDepth: number, allocations: boolean): void;
    stopSamplingHeapProfiler(): void;
    getAllocationProfile(): NativeAllocationNode;
  };
  cpedMapContains?(key: object, value: object): boolean;
}

let addon: NativeAddon | undefined;
let loadError: Error | undefined;

/** The addon, or throws the (remembered) load error. */
export function loadNativeAddon(): NativeAddon {
  if (addon !== undefined) return addon;
  if (loadError !== undefined) throw loadError;
  try {
    // node-gyp-build picks the prebuilt binary for this platform / ABI, as @datadog/pprof does.
    const pkgJson = require.resolve('@datadog/pprof/package.json');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const findBinding = require(require.resolve('node-gyp-build', { paths: [pkgJson] })) as (dir: string) => NativeAddon;
    addon = findBinding(join(pkgJson, '..'));
    return addon;
  } catch (err) {
    loadError = err instanceof Error ? err : new Error(String(err));
    throw loadError;
  }
}

/** Whether this runtime can have AsyncContextFrame at all (Node 22+), answered without the addon. */
export function asyncContextFramePossible(): boolean {
  return Number(process.versions.node.split('.')[0]) >= 22;
}

let acf: boolean | undefined;

/**
 * Whether AsyncLocalStorage is backed by AsyncContextFrame in this thread (Node 24 default; flags
 * can turn it on or off through NODE_OPTIONS or a worker's execArgv, so probe instead of guessing
 * from the version): the addon looks for our probe value in V8's continuation-preserved data.
 */
export function asyncContextFrameActive(): boolean {
  if (acf !== undefined) return acf;
  acf = false;
  try {
    const a = loadNativeAddon();
    if (typeof a.cpedMapContains !== 'function') return acf;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AsyncLocalStorage } = require('node:async_hooks') as typeof import('node:async_hooks');
    const probe = new AsyncLocalStorage<object>();
    const sentinel = {};
    probe.run(sentinel, () => {
      acf = (a.cpedMapContains as (k: object, v: object) => boolean)(probe, sentinel);
    });
    probe.disable();
  } catch {
    acf = false;
  }
  return acf;
}
