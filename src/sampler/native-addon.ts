/**
 * Lazy loader of the `@datadog/pprof` native addon (pinned in package.json). Loading happens on
 * first use, never on import; a failure is remembered so the inspector fallback is chosen once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of the addon's time profiler the sampler uses. */
export interface NativeTimeProfiler {
  start(): void;
  stop(restart: boolean): NativeTimeProfile;
  /**
   * The lazy read: `read` gets a view of V8's profile while it is still alive, whose nodes become
   * JS objects only as they are read; returns what `read` returns.
   */
  stopAndCollect<T>(restart: boolean, read: (profile: NativeTimeProfile) => T): T;
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
    const pkgJson = require.resolve('@datadog/pprof/package.json');
    const dir = join(pkgJson, '..');
    const prebuilt = prebuiltBinding(dir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (prebuilt !== undefined) addon = require(prebuilt) as NativeAddon;
    else {
      // node-gyp-build picks the prebuilt binary for this platform / ABI, as @datadog/pprof does.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const findBinding = require(require.resolve('node-gyp-build', { paths: [pkgJson] })) as (dir: string) => NativeAddon;
      addon = findBinding(dir);
    }
    return addon;
  } catch (err) {
    loadError = err instanceof Error ? err : new Error(String(err));
    throw loadError;
  }
}

/**
 * The prebuilt binary node-gyp-build picks in the common case, found without it: plain Node on
 * glibc Linux, macOS or Windows, no local build, no override. Loading node-gyp-build and letting it
 * read the package and its directories left about 50 KB of objects for the rest of the process's
 * life. Anything else (a local build in build/, musl, Electron or NW.js, an override in the
 * environment) returns undefined and goes through node-gyp-build, as do missing files.
 */
export function prebuiltBinding(
  dir: string, env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync,
): string | undefined {
  const overrides = ['DD_PPROF_PREBUILD', 'PREBUILDS_ONLY', 'LIBC', 'npm_config_arch', 'npm_config_platform', 'ELECTRON_RUN_AS_NODE'];
  if (overrides.some((name) => env[name] !== undefined)) return undefined;
  if (process.versions.electron !== undefined || process.versions.nw !== undefined) return undefined;
  if (!['linux', 'darwin', 'win32'].includes(process.platform)) return undefined;
  if (process.platform === 'linux' && exists('/etc/alpine-release')) return undefined;
  // node-gyp-build prefers build/Release and build/Debug over any prebuilt binary.
  if (exists(join(dir, 'build'))) return undefined;
  const file = join(dir, 'prebuilds', `${process.platform}-${process.arch}`, `dd_pprof.node.abi${process.versions.modules}.node`);
  return exists(file) ? file : undefined;
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
