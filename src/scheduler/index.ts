/**
 * Scheduler box: continuous profiling. `startProfiling()` composes the collectors (profiles and
 * sampler below), the exporters and the pull endpoint around the periodic {@link Scheduler}.
 */
export { startProfiling, startContinuousProfiling, activeProfilerOwner, type ContinuousProfiler, type ProfilerStats } from './start-profiling';
export { ProfilingAlreadyStartedError } from './errors';
export type { PullEndpointStatus } from './pull-endpoint';
export { Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler';
export { cpuWallCollector, snapshotCollector, deltaCollector, type Collector, type CollectedProfile } from './collectors';
