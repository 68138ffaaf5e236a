/**
 * Checks, for the setup helpers, that `@opentelemetry/api` exists and has the API surface otelprof
 * relies on (loading a missing package is `requireOtelPackage` in src/otel-api.ts).
 */
import { requireOtelPackage } from '../otel-api';
import { OtelApiError } from './errors';

/** The `@opentelemetry/api` 1.x functions otelprof calls (all present since api 1.3). */
const REQUIRED_API = ['createContextKey', 'isSpanContextValid'] as const;

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
