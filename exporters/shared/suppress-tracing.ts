import { context, createContextKey, type Context } from '@opentelemetry/api';

/**
 * The key `@opentelemetry/core`'s `suppressTracing()` sets. `createContextKey` is `Symbol.for`,
 * so this is the very same key without depending on `@opentelemetry/core` at run time.
 */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** The active context with tracing suppressed, so instrumentations skip otelprof's own uploads. */
export function suppressedContext(): Context {
  return context.active().setValue(SUPPRESS_TRACING_KEY, true);
}

/** Runs `fn` with tracing suppressed (export traffic must not create spans of its own). */
export function withoutTracing<T>(fn: () => T): T {
  return context.with(suppressedContext(), fn);
}
