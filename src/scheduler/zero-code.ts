/**
 * What `otelprof/register` runs: continuous profiling from the environment alone. With no
 * collector configured (no `PYROSCOPE_SERVER_ADDRESS`, `OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT` or
 * `OTELPROF_EXPORTERS`) the embedded default applies: the file exporter to `./profiles` plus the
 * pull endpoint on 127.0.0.1:6060 (`OTELPROF_PPROF_PORT` picks another port, 0 any free one),
 * announced once on stderr. Nothing here throws into the application.
 */
import { readEnv, type ProfilingOptions } from '../config';
import { installExitHooks } from './exit-hooks';
import { startContinuousProfiling, type ContinuousProfiler } from './start-profiling';
import type { PullEndpointStatus } from './pull-endpoint';

/** Go's net/http/pprof convention, used by the embedded default. */
export const DEFAULT_PULL_PORT = 6060;

/** The name the "already started" error shows for a register-started profiler. */
export const REGISTER_OWNER = 'otelprof/register';

/**
 * Options the environment alone leads to: `{}` when a destination is configured
 * (`PYROSCOPE_SERVER_ADDRESS` or `OTELPROF_EXPORTERS`), OTLP when only
 * `OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT` is set, else the embedded default. The generic
 * `OTEL_EXPORTER_OTLP_ENDPOINT` alone does not count: it is usually set for traces, and the
 * collector behind it may have no profiles pipeline.
 */
export function zeroCodeOptions(env: NodeJS.ProcessEnv = process.env): { options: ProfilingOptions; embeddedDefault: boolean } {
  const e = readEnv(env);
  if (e.options.serverAddress !== undefined || e.options.exporters !== undefined) return { options: {}, embeddedDefault: false };
  const profilesEndpoint = (env.OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT ?? '').trim() !== '' && e.otlp.url !== undefined;
  if (profilesEndpoint) return { options: { exporters: ['otlp'] }, embeddedDefault: false };
  const options: ProfilingOptions = { exporters: ['file'] };
  if (e.options.pprofPort === undefined) options.pprofPort = DEFAULT_PULL_PORT;
  return { options, embeddedDefault: true };
}

/** Writes one line to stderr (the announcement); never throws. */
function say(line: string, write: (s: string) => void): void {
  try {
    write(`otelprof: ${line}\n`);
  } catch {
    // stderr closed: nothing to tell.
  }
}

/** The announcement of the embedded default, once the pull endpoint settled. */
export function announcement(p: ContinuousProfiler, endpoint: PullEndpointStatus): string[] {
  const c = p.config;
  const dir = c.fileExportDir;
  const shownDir = dir.startsWith('/') ? dir : `./${dir.replace(/^\.\//, '')}`;
  const lines = [`profiling ${c.serviceName} (${c.profileTypes.join(', ')}) every ${c.uploadIntervalMillis / 1000}s to ${shownDir}`];
  if (endpoint.state === 'listening') {
    lines.push(`pull endpoint ${endpoint.url} (flame graph: ${endpoint.url}ui/)`);
  } else if (endpoint.state === 'failed') {
    const code = (endpoint.error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is in use' : `failed (${endpoint.error.message})`;
    lines.push(`port ${c.pprofHost}:${endpoint.port} ${why}; going on without the pull endpoint (OTELPROF_PPROF_PORT picks another port)`);
  }
  return lines;
}

const LOADED = Symbol.for('otelprof.register.loaded');

/**
 * Starts profiling from the environment, installs the exit hooks and announces the embedded
 * default on stderr. A second call (register preloaded twice) does nothing. Returns the profiler,
 * or undefined when nothing was started.
 */
export function registerFromEnvironment(write: (s: string) => void = (s) => process.stderr.write(s)): ContinuousProfiler | undefined {
  const g = globalThis as { [LOADED]?: boolean };
  if (g[LOADED]) return undefined;
  g[LOADED] = true;
  let profiler: ContinuousProfiler;
  const { options, embeddedDefault } = zeroCodeOptions();
  try {
    profiler = startContinuousProfiling(options, REGISTER_OWNER);
  } catch (err) {
    say(`not profiling: ${(err as Error)?.message ?? String(err)}`, write);
    return undefined;
  }
  if (!profiler.config.enabled) return undefined;
  installExitHooks(profiler);
  for (const issue of profiler.config.issues) say(issue.message, write);
  profiler.pullEndpoint.then((endpoint) => {
    if (embeddedDefault) for (const line of announcement(profiler, endpoint)) say(line, write);
    else if (endpoint.state === 'failed') for (const line of announcement(profiler, endpoint).slice(1)) say(line, write);
  }, () => undefined);
  return profiler;
}
