/**
 * otelprof: Go's runtime/pprof and net/http/pprof for Node.js, wired into OpenTelemetry.
 * This file is the public surface: explicit named exports only. The lock primitives, the pull
 * endpoint, continuous profiling and the configuration load on first use of one of their names
 * (see lazy-exports.ts), so `require('otelprof')` holds only what an app uses.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { lazyExports } from './lazy-exports';
import type * as Sync from './sync';
import type * as Http from './http';
import type * as Scheduler from './scheduler';
import type * as Config from './config';
export { OtelprofError, InvalidArgumentError } from './errors';
export { LabelSet, labels, withLabels, label, forLabels, runWithLabels, setContextLabels, UnevenLabelsError } from './labels';
export { Profile, profiles, lookup, newProfile } from './profiles';
export { startCPUProfile, stopCPUProfile, writeHeapProfile, CpuProfilingInUseError } from './profiles';
export type { StartCPUProfileOptions } from './profiles';
export {
  EmptyProfileNameError, DuplicateProfileError, DuplicateValueError, BuiltinProfileAddError,
  UninitializedProfileError, ProfileNotAvailableError,
} from './profiles';
export {
  ProfilingSpanProcessor, profilingContextManager, withProfiling, resourceToSeriesLabels, RESOURCE_LABEL_KEYS,
  PROFILE_ID_ATTRIBUTE, otelSdkResource, threadContextSupport, processContextAttributes, OtelApiError,
  OtelSdkIncompatibleError,
} from './otel';
export type {
  ProfilingSpanProcessorOptions, WithProfilingOptions, SpanLabelScope, ResourceLike, SeriesLabels, ThreadContextSupport,
} from './otel';
export { setMutexProfileFraction, setBlockProfileRate } from './profiles';
export { DEFAULT_BLOCK_PROFILE_RATE_NANOS, enableGoroutineStacks, disableGoroutineStacks } from './sampler';
export type { GoroutineStacksOptions } from './sampler';
export type { PprofHandlerOptions, PprofRequestHandler, ServePprofOptions, PprofServer } from './http';
export type { ContinuousProfiler, ProfilerStats, PullEndpointStatus, SchedulerStats } from './scheduler';
export type { ProfilingOptions, ProfilingConfig, ConfigIssue, BasicAuth, OtlpOptions } from './config';

export declare const Mutex: typeof Sync.Mutex;
export type Mutex = Sync.Mutex;
export declare const RWMutex: typeof Sync.RWMutex;
export type RWMutex = Sync.RWMutex;
export declare const Semaphore: typeof Sync.Semaphore;
export type Semaphore = Sync.Semaphore;
export declare const UnlockOfUnlockedError: typeof Sync.UnlockOfUnlockedError;
export type UnlockOfUnlockedError = Sync.UnlockOfUnlockedError;
lazyExports(exports, () => require('./sync') as typeof Sync, ['Mutex', 'RWMutex', 'Semaphore', 'UnlockOfUnlockedError']);

export declare const pprofHandler: typeof Http.pprofHandler;
export declare const servePprof: typeof Http.servePprof;
export declare const profileDescriptions: typeof Http.profileDescriptions;
lazyExports(exports, () => require('./http') as typeof Http, ['pprofHandler', 'servePprof', 'profileDescriptions']);

export declare const startProfiling: typeof Scheduler.startProfiling;
export declare const ProfilingAlreadyStartedError: typeof Scheduler.ProfilingAlreadyStartedError;
export type ProfilingAlreadyStartedError = Scheduler.ProfilingAlreadyStartedError;
lazyExports(exports, () => require('./scheduler') as typeof Scheduler, ['startProfiling', 'ProfilingAlreadyStartedError']);

export declare const resolveConfig: typeof Config.resolveConfig;
lazyExports(exports, () => require('./config') as typeof Config, ['resolveConfig']);
