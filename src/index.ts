/**
 * otelprof: Go's runtime/pprof and net/http/pprof for Node.js, wired into OpenTelemetry.
 * This file is the public surface: explicit named exports only.
 */
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
export { Mutex, RWMutex, Semaphore, UnlockOfUnlockedError } from './sync';
export { pprofHandler, servePprof, profileDescriptions } from './http';
export type { PprofHandlerOptions, PprofRequestHandler, ServePprofOptions, PprofServer } from './http';
export { startProfiling, ProfilingAlreadyStartedError } from './scheduler';
export type { ContinuousProfiler, ProfilerStats, PullEndpointStatus, SchedulerStats } from './scheduler';
export { resolveConfig } from './config';
export type { ProfilingOptions, ProfilingConfig, ConfigIssue, BasicAuth, OtlpOptions } from './config';
