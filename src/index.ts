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
import type * as Otel from './otel';
import type * as Labels from './labels';
export { OtelprofError, InvalidArgumentError } from './errors';
export { Profile, profiles, lookup, newProfile } from './profiles';
export { startCPUProfile, stopCPUProfile, writeHeapProfile, CpuProfilingInUseError } from './profiles';
export type { StartCPUProfileOptions } from './profiles';
export {
  EmptyProfileNameError, DuplicateProfileError, DuplicateValueError, BuiltinProfileAddError,
  UninitializedProfileError, ProfileNotAvailableError,
} from './profiles';
export type {
  ProfilingSpanProcessorOptions, WithProfilingOptions, SpanLabelScope, ResourceLike, SeriesLabels, ThreadContextSupport,
} from './otel';
export { setMutexProfileFraction, setBlockProfileRate } from './profiles';
export { DEFAULT_BLOCK_PROFILE_RATE_NANOS, enableGoroutineStacks, disableGoroutineStacks } from './sampler';
export type { GoroutineStacksOptions } from './sampler';
export type { PprofHandlerOptions, PprofRequestHandler, ServePprofOptions, PprofServer } from './http';
export type { ContinuousProfiler, ProfilerStats, PullEndpointStatus, SchedulerStats } from './scheduler';
export type { ProfilingOptions, ProfilingConfig, ConfigIssue, BasicAuth, OtlpOptions } from './config';

export declare const LabelSet: typeof Labels.LabelSet;
export type LabelSet = Labels.LabelSet;
export declare const labels: typeof Labels.labels;
export declare const withLabels: typeof Labels.withLabels;
export declare const label: typeof Labels.label;
export declare const forLabels: typeof Labels.forLabels;
export declare const runWithLabels: typeof Labels.runWithLabels;
export declare const setContextLabels: typeof Labels.setContextLabels;
export declare const UnevenLabelsError: typeof Labels.UnevenLabelsError;
export type UnevenLabelsError = Labels.UnevenLabelsError;
lazyExports(exports, () => require('./labels') as typeof Labels, [
  'LabelSet', 'labels', 'withLabels', 'label', 'forLabels', 'runWithLabels', 'setContextLabels', 'UnevenLabelsError',
]);

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

export declare const ProfilingSpanProcessor: typeof Otel.ProfilingSpanProcessor;
export type ProfilingSpanProcessor = Otel.ProfilingSpanProcessor;
export declare const profilingContextManager: typeof Otel.profilingContextManager;
export declare const withProfiling: typeof Otel.withProfiling;
export declare const resourceToSeriesLabels: typeof Otel.resourceToSeriesLabels;
export declare const RESOURCE_LABEL_KEYS: typeof Otel.RESOURCE_LABEL_KEYS;
export declare const PROFILE_ID_ATTRIBUTE: typeof Otel.PROFILE_ID_ATTRIBUTE;
export declare const otelSdkResource: typeof Otel.otelSdkResource;
export declare const threadContextSupport: typeof Otel.threadContextSupport;
export declare const processContextAttributes: typeof Otel.processContextAttributes;
export declare const OtelApiError: typeof Otel.OtelApiError;
export type OtelApiError = Otel.OtelApiError;
export declare const OtelSdkIncompatibleError: typeof Otel.OtelSdkIncompatibleError;
export type OtelSdkIncompatibleError = Otel.OtelSdkIncompatibleError;
lazyExports(exports, () => require('./otel') as typeof Otel, [
  'ProfilingSpanProcessor', 'profilingContextManager', 'withProfiling', 'resourceToSeriesLabels', 'RESOURCE_LABEL_KEYS',
  'PROFILE_ID_ATTRIBUTE', 'otelSdkResource', 'threadContextSupport', 'processContextAttributes', 'OtelApiError',
  'OtelSdkIncompatibleError',
]);

export declare const resolveConfig: typeof Config.resolveConfig;
lazyExports(exports, () => require('./config') as typeof Config, ['resolveConfig']);
