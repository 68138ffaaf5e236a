/**
 * `startProfiling(options?)`: continuous profiling. Resolves the configuration (code > env >
 * default), starts the collectors of every enabled profile type, the exporters and the optional
 * pull endpoint, and runs the {@link Scheduler}: one window per type per period.
 */
import { componentLogger } from '../otel-api';
import { loadConfig, type ProfilingConfig, type ProfilingOptions } from '../config';
import { cpuSamplerState, warmUpCollections } from '../sampler';
import { buildCollectors } from './build-collectors';
import { buildExporters } from './build-exporters';
import { ProfilingAlreadyStartedError } from './errors';
import { startPullEndpoint, type PullEndpointStatus } from './pull-endpoint';
import { Scheduler, type SchedulerStats } from './scheduler';
import { seriesLabelsOf } from './series-labels';

const log = componentLogger('otelprof/scheduler');

/** A running continuous profiler, as returned by {@link startProfiling}. */
export interface ContinuousProfiler {
  /**
   * Ends the current period now, hands its profiles to the exporters and waits until they settled
   * them (bounded by the exporters' flush timeouts). Never rejects. After `shutdown()`: a no-op.
   */
  forceFlush(): Promise<void>;
  /**
   * Stops the periodic loop, sends the last (partial) window, waits for the exporters at most
   * `shutdownTimeoutMillis` (default 5000 ms), closes the pull endpoint and puts the runtime
   * settings (block rate, mutex fraction) back. Idempotent (every call returns the same promise);
   * never rejects. Afterwards `startProfiling()` may be called again.
   */
  shutdown(): Promise<void>;
  /** The resolved configuration (with `issues`: the invalid environment values that were ignored). */
  readonly config: ProfilingConfig;
  /** Live counters: periods ended, profiles produced, collection errors, failed exports, sampler trouble. */
  readonly stats: Readonly<ProfilerStats>;
  /** Settles once the pull endpoint listens (its URL), failed to bind, or is disabled. Never rejects. */
  readonly pullEndpoint: Promise<PullEndpointStatus>;
}

/**
 * The scheduler's counters plus the CPU sampler's, which are per process (one sampler serves every
 * profiler and `startCPUProfile`): background reads of V8's profile that failed (each one loses at
 * most a drain period of samples) and restarts of a V8 profiler found stuck (native backend).
 */
export interface ProfilerStats extends SchedulerStats {
  cpuDrainFailures: number;
  cpuStuckRestarts: number;
}

/** Live view: reading a field reads the current count. */
function liveStats(scheduler: SchedulerStats): Readonly<ProfilerStats> {
  return Object.freeze({
    get periods() { return scheduler.periods; },
    get profiles() { return scheduler.profiles; },
    get collectErrors() { return scheduler.collectErrors; },
    get exportFailures() { return scheduler.exportFailures; },
    get cpuDrainFailures() { return cpuSamplerState().drainFailures; },
    get cpuStuckRestarts() { return cpuSamplerState().stuckRestarts; },
  });
}

const ACTIVE = Symbol.for('otelprof.scheduler.active');
type G = typeof globalThis & { [ACTIVE]?: { startedBy: string } };

/** Who started the running profiler, or undefined when none runs (in any copy of otelprof). */
export function activeProfilerOwner(): string | undefined {
  return (globalThis as G)[ACTIVE]?.startedBy;
}

/**
 * Starts continuous profiling: every `uploadIntervalMillis` (default 10 s; the first period is
 * shortened by a random part so a fleet does not upload in step) it closes one window per enabled
 * type (default `cpu`, `wall`, `heap`; see `docs/configuration.md`) and exports them to every
 * configured destination (default Pyroscope at `http://localhost:4040`). CPU/wall windows restart
 * before serialising, so no sample falls between periods; cumulative types (block, mutex,
 * threadcreate, allocs) are sent as deltas. Timers never keep the process alive, and background
 * failures go to the OTel diag logger (namespace `otelprof/scheduler`), once per kind.
 *
 * Every option can come from the environment (`PYROSCOPE_*`, `OTEL_*`, `OTELPROF_*`); invalid
 * environment values are warned about and ignored. With `enabled: false` (or
 * `OTELPROF_ENABLED=false`) it returns a profiler that does nothing.
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) for a bad option given in code.
 * @throws ProfilingAlreadyStartedError (`PPROF_ERR_PROFILING_ALREADY_STARTED`) while another
 *   continuous profiler runs in this process (from `startProfiling` or `otelprof/register`).
 */
export function startProfiling(options: ProfilingOptions = {}): ContinuousProfiler {
  return startContinuousProfiling(options, 'startProfiling()');
}

/** {@link startProfiling} with the name of the starter shown in the "already started" error. */
export function startContinuousProfiling(options: ProfilingOptions, startedBy: string): ContinuousProfiler {
  const config = loadConfig(options);
  if (!config.enabled) return disabledProfiler(config);
  const g = globalThis as G;
  const running = g[ACTIVE];
  if (running) throw new ProfilingAlreadyStartedError(running.startedBy);
  // Exporters first: they only validate, so a bad setting throws before anything started.
  const exporters = buildExporters(config);
  const setup = buildCollectors(config);
  const slot = { startedBy };
  g[ACTIVE] = slot;
  const scheduler = new Scheduler({
    periodMillis: config.uploadIntervalMillis,
    collectors: setup.collectors,
    exporters,
    seriesLabels: seriesLabelsOf(config),
    shutdownTimeoutMillis: config.shutdownTimeoutMillis,
  });
  const endpoint = startPullEndpoint(config.pprofPort, config.pprofHost);
  warmUpCollections();
  log.debug(`started: ${config.profileTypes.join(',')} every ${config.uploadIntervalMillis} ms to ${config.exporters.join(',') || 'nowhere'}`);
  let stopping: Promise<void> | undefined;
  return {
    config,
    stats: liveStats(scheduler.stats),
    pullEndpoint: endpoint.status,
    forceFlush: () => scheduler.forceFlush().catch((err: unknown) => log.error('forceFlush failed', err)),
    shutdown() {
      stopping ??= Promise.allSettled([scheduler.shutdown(), endpoint.close()]).then((results) => {
        for (const r of results) if (r.status === 'rejected') log.error('shutdown failed', r.reason);
        setup.restore();
        if (g[ACTIVE] === slot) delete g[ACTIVE];
      });
      return stopping;
    },
  };
}

function disabledProfiler(config: ProfilingConfig): ContinuousProfiler {
  log.debug('disabled by configuration (enabled: false / OTELPROF_ENABLED=false)');
  return {
    config,
    stats: Object.freeze({ periods: 0, profiles: 0, collectErrors: 0, exportFailures: 0, cpuDrainFailures: 0, cpuStuckRestarts: 0 }),
    pullEndpoint: Promise.resolve({ state: 'disabled' }),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
