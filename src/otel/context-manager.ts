/**
 * Makes a context manager tell otelprof's context-switch listeners (the OTEP-4947 thread-context
 * publisher, and any sampler bridge that subscribes) which context every `with()` enters.
 *
 * The manager is instrumented in place (an own `with` property shadowing its method) rather than
 * wrapped in another object, so that everything routed through its `with` notifies: direct
 * `context.with()`, functions from `bind()`, and bound event-emitter listeners, which
 * `AsyncLocalStorageContextManager` runs through `this.with`. It also keeps the registered global
 * manager the very object other tools (the sampler's bridge) patch in the same way.
 */
import type { Context, ContextManager } from '@opentelemetry/api';
import { hasContextSwitchListeners, notifyEnter, notifyExit } from './context-listeners';
import { requireOtelPackage } from '../otel-api';

/** Marks a manager whose `with` already notifies (shared across copies of otelprof). */
const INSTRUMENTED = Symbol.for('otelprof.otel.contextManagerInstrumented');

/** A disposable returned by the experimental `ContextManager.attach()` (API 1.10+). */
interface AttachToken {
  dispose(): void;
}
type AnyFn = (...a: unknown[]) => unknown;
type Attachable = ContextManager & { attach?(ctx: Context): AttachToken };

// Module-level so `with()` allocates no closure; `args` is the rest array `with` received.
function runEnteredImpl(ctx: Context, fn: AnyFn, thisArg: unknown, args: unknown[]): unknown {
  notifyEnter(ctx);
  return args.length === 0 ? fn.call(thisArg) : fn.apply(thisArg, args);
}
const runEntered = runEnteredImpl as AnyFn;

/** True if `cm` was instrumented by {@link profilingContextManager} (from any copy of otelprof). */
export function isProfilingContextManager(cm: unknown): boolean {
  return typeof cm === 'object' && cm !== null && (cm as Record<symbol, unknown>)[INSTRUMENTED] === true;
}

function instrumentWith(cm: ContextManager): void {
  const innerWith = cm.with;
  const notifyingWith = function (this: ContextManager, ctx: Context, fn: AnyFn, thisArg?: unknown, ...args: unknown[]): unknown {
    if (!hasContextSwitchListeners()) return innerWith.call(this, ctx, fn, thisArg, ...args);
    try {
      return innerWith.call(this, ctx, runEntered, undefined, ctx, fn, thisArg, args);
    } finally {
      notifyExit(this.active());
    }
  };
  Object.defineProperty(cm, 'with', { value: notifyingWith, configurable: true, writable: true });
}

function instrumentAttach(cm: Attachable): void {
  const innerAttach = cm.attach;
  if (typeof innerAttach !== 'function') return;
  const notifyingAttach = function (this: ContextManager, ctx: Context): AttachToken {
    const token = innerAttach.call(this, ctx);
    notifyEnter(ctx);
    const self = this;
    return {
      dispose(): void {
        token.dispose();
        notifyExit(self.active());
      },
    };
  };
  Object.defineProperty(cm, 'attach', { value: notifyingAttach, configurable: true, writable: true });
}

/**
 * Returns `contextManager` (default: a new `AsyncLocalStorageContextManager`, which needs
 * `@opentelemetry/context-async-hooks`) instrumented so that every `with(ctx, fn)` tells otelprof
 * which context `fn` runs in, before `fn` runs, and which context is restored when it returns;
 * the experimental `attach()` (API 1.10) is instrumented too when present. Idempotent; returns the
 * same object. Costs one call and one check per `with()` while nothing listens.
 *
 * Span labels on samples do not need it (the sampler follows any registered manager); the
 * OTEP-4947 thread-context publisher does. Register the result yourself
 * (`provider.register({ contextManager })` or `context.setGlobalContextManager`), or let
 * `withProfiling()` hand it to NodeSDK: otelprof never registers a context manager on its own.
 *
 * @throws OtelApiError `PPROF_ERR_OTEL_API_MISSING` when no manager is given and
 *   `@opentelemetry/context-async-hooks` is not installed.
 */
export function profilingContextManager<T extends ContextManager>(contextManager?: T): T {
  const cm =
    contextManager ??
    (new (requireOtelPackage<{ AsyncLocalStorageContextManager: new () => ContextManager }>(
      '@opentelemetry/context-async-hooks',
      'profilingContextManager()',
    ).AsyncLocalStorageContextManager)() as T);
  if (isProfilingContextManager(cm)) return cm;
  instrumentWith(cm);
  instrumentAttach(cm as Attachable);
  Object.defineProperty(cm, INSTRUMENTED, { value: true });
  return cm;
}
