import type { Context } from '@opentelemetry/api';
import { otelApi, otelGlobalRegistered } from '../../src/otel-api';

/**
 * The key `@opentelemetry/core`'s `suppressTracing()` sets. `createContextKey` is `Symbol.for`,
 * so this is the very same key without depending on `@opentelemetry/core` (or loading the API) at
 * run time.
 */
const SUPPRESS_TRACING_KEY = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** The active context with tracing suppressed, so instrumentations skip otelprof's own uploads. */
export function suppressedContext(): Context {
  return otelApi().context.active().setValue(SUPPRESS_TRACING_KEY, true);
}

/** Runs `fn` with tracing suppressed (export traffic must not create spans of its own). */
export function withoutTracing<T>(fn: () => T): T {
  // Without a registered context manager `context.with` only calls `fn` and every reader sees the
  // root context: there is nothing to suppress, and no reason to load the API.
  if (!otelGlobalRegistered('context')) return fn();
  return otelApi().context.with(suppressedContext(), fn);
}
