/**
 * Checks, for the setup helpers, that the OpenTelemetry packages they load exist and have the
 * API surface otelprof relies on, and turns "Cannot find module" into an actionable error.
 */
import { OtelApiError } from './errors';

/** The `@opentelemetry/api` 1.x functions otelprof calls (all present since api 1.3). */
const REQUIRED_API = ['createContextKey', 'isSpanContextValid'] as const;

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

/**
 * Verifies that `@opentelemetry/api` is installed and is a compatible 1.x (>= 1.3).
 *
 * @throws OtelApiError `PPROF_ERR_OTEL_API_MISSING` if it cannot be loaded,
 *   `PPROF_ERR_OTEL_API_INCOMPATIBLE` if it lacks `context`/`trace`/`createContextKey`/
 *   `isSpanContextValid`.
 */
export function checkOtelApi(): void {
  const api = requireOtelPackage<Record<string, unknown>>('@opentelemetry/api', 'the OpenTelemetry integration');
  const missing: string[] = REQUIRED_API.filter((fn) => typeof api[fn] !== 'function');
  const ctx = api.context as { with?: unknown } | undefined;
  const tr = api.trace as { getSpan?: unknown } | undefined;
  if (typeof ctx?.with !== 'function') missing.push('context.with');
  if (typeof tr?.getSpan !== 'function') missing.push('trace.getSpan');
  if (missing.length > 0) {
    throw new OtelApiError(
      'PPROF_ERR_OTEL_API_INCOMPATIBLE',
      `otelprof: @opentelemetry/api is incompatible (missing ${missing.join(', ')}); otelprof needs @opentelemetry/api ^1.3`,
    );
  }
}
