/** Errors of the scheduler box (continuous profiling). */
import { OtelprofError } from '../errors';

/**
 * `startProfiling()` was called while continuous profiling already runs in this process (started
 * by an earlier call or by `otelprof/register`). Code `PPROF_ERR_PROFILING_ALREADY_STARTED`.
 * Call `shutdown()` on the running profiler first.
 */
export class ProfilingAlreadyStartedError extends OtelprofError {
  constructor(startedBy: string) {
    super(
      'PPROF_ERR_PROFILING_ALREADY_STARTED',
      `continuous profiling already started (by ${startedBy}); call shutdown() on the running profiler before starting another`,
    );
  }
}
