/**
 * `@opentelemetry/api`, loaded when something needs it. Loading it costs about 1.7 MB of RSS on
 * Node 24 (bench/RESULTS.md, eighth pass), and a process that profiles without OpenTelemetry never
 * needs it: otelprof's diag lines go nowhere until a diag logger is registered, and running code in
 * an OTel context changes nothing until a context manager is. Both registrations live in the API's
 * global registry (`Symbol.for('opentelemetry.js.api.1')` on globalThis, shared by every 1.x copy of
 * the API), which can be read without loading the API.
 */
import type * as OtelApi from '@opentelemetry/api';
import type { ContextManager, DiagLogger } from '@opentelemetry/api';
import { OtelApiError } from './errors';

/**
 * Loads `name` for `purpose`, or throws OtelApiError `PPROF_ERR_OTEL_API_MISSING` naming the
 * package and how to install it.
 */
export function requireOtelPackage<T>(name: string, purpose: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new OtelApiError('PPROF_ERR_OTEL_API_MISSING', `otelprof: ${purpose} needs ${name}, which is not installed (npm install ${name})`);
    }
    throw err;
  }
}

let api: typeof OtelApi | undefined;

/**
 * The API module, required on first call.
 * @throws OtelApiError `PPROF_ERR_OTEL_API_MISSING` when the peer dependency is not installed
 *   (Go's API works without it; labels, spans and `startProfiling()` need it).
 */
export function otelApi(): typeof OtelApi {
  return (api ??= requireOtelPackage<typeof OtelApi>('@opentelemetry/api', 'OpenTelemetry context (labels, spans, startProfiling())'));
}

const REGISTRY_KEY = Symbol.for('opentelemetry.js.api.1');

/** Whether some copy of the API has registered a global of this kind (`diag`, `context`, `trace`, ...). */
export function otelGlobalRegistered(kind: 'diag' | 'context'): boolean {
  const registry = (globalThis as { [REGISTRY_KEY]?: Record<string, unknown> })[REGISTRY_KEY];
  return registry?.[kind] !== undefined;
}

type Level = 'error' | 'warn' | 'info' | 'debug' | 'verbose';

/**
 * A diag component logger for `namespace` (as `diag.createComponentLogger`) that loads the API only
 * when a diag logger is registered: without one, the API's logger drops every line as well.
 */
export function componentLogger(namespace: string): DiagLogger {
  let logger: DiagLogger | undefined;
  const at = (level: Level) => (message: string, ...args: unknown[]): void => {
    if (!otelGlobalRegistered('diag')) return;
    logger ??= otelApi().diag.createComponentLogger({ namespace });
    logger[level](message, ...args);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('verbose') };
}

/** The registry and the manager registered in it when the API last answered, and its answer. */
let askedRegistry: unknown;
let askedRegistered: unknown = Symbol('never asked');
let answer: ContextManager | undefined;

/**
 * The registered global context manager (the no-op one when none is). `@opentelemetry/api` keeps
 * it behind a private accessor that has been stable through the 1.x line, and looks it up in its
 * registry with a version check on every call (13 ns of each `context.active()`, measured on
 * Node 20 and 24); its answer only changes when the registered object does, so it is asked again
 * only then.
 */
export function currentContextManager(): ContextManager | undefined {
  const registry = (globalThis as { [REGISTRY_KEY]?: Record<string, unknown> })[REGISTRY_KEY];
  const registered = registry?.context;
  if (registered === askedRegistered && registry === askedRegistry) return answer;
  const api = otelApi().context as unknown as { _getContextManager?: () => ContextManager };
  try {
    answer = typeof api._getContextManager === 'function' ? api._getContextManager() : undefined;
  } catch {
    answer = undefined;
  }
  askedRegistry = registry;
  askedRegistered = registered;
  return answer;
}

/** `context.active()` without the API's registry lookup per call (see {@link currentContextManager}). */
export function activeContext(): OtelApi.Context {
  const mgr = currentContextManager();
  return mgr !== undefined ? mgr.active() : otelApi().context.active();
}
