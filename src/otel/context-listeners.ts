/**
 * Who wants to know when the active OTel context changes through a context manager instrumented by profilingContextManager():
 * the sampler's sample-context bridge and the OTEP-4947 thread-context publisher. Listeners live
 * on globalThis so a context manager from one copy of otelprof serves listeners of another.
 */
import { componentLogger } from '../otel-api';
import type { Context } from '@opentelemetry/api';

const logger = componentLogger('otelprof/otel');

/**
 * Told about context switches made through `context.with()` / `attach()`.
 * Must be fast and allocation-free: it runs on every `with()` of every request.
 */
export interface ContextSwitchListener {
  /** `ctx` is now active (inside `with(ctx, fn)`, before `fn` runs, or after `attach(ctx)`). */
  enter(ctx: Context): void;
  /**
   * `with()` returned (or an attach token was disposed) and `restored` is active again. With
   * AsyncContextFrame, `with()` restores frame-scoped state by itself; a disposed token does not.
   */
  exit?(restored: Context): void;
}

interface ListenerState {
  list: ContextSwitchListener[];
}
const KEY = Symbol.for('otelprof.otel.contextListeners');

function state(): ListenerState {
  const g = globalThis as unknown as Record<symbol, ListenerState | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = { list: [] };
    g[KEY] = s;
  }
  return s;
}
const listeners = state();

/**
 * Subscribes `listener` to context switches. Returns a function that unsubscribes it
 * (idempotent). Adding the same listener twice is a no-op.
 */
export function addContextSwitchListener(listener: ContextSwitchListener): () => void {
  // Copy-on-write so notification loops never see a list change under them.
  if (!listeners.list.includes(listener)) listeners.list = [...listeners.list, listener];
  return () => {
    listeners.list = listeners.list.filter((l) => l !== listener);
  };
}

/** True when at least one listener is subscribed (lets the hot path skip work). */
export function hasContextSwitchListeners(): boolean {
  return listeners.list.length > 0;
}

let failures = 0;
function report(err: unknown): void {
  // A listener must never break the host's context.with(); count and log sparsely.
  failures++;
  if ((failures & (failures - 1)) === 0) logger.error(`context switch listener failed (${failures} times so far)`, err);
}

/** Notifies every listener that `ctx` became active. */
export function notifyEnter(ctx: Context): void {
  const list = listeners.list;
  for (let i = 0; i < list.length; i++) {
    try {
      list[i].enter(ctx);
    } catch (err) {
      report(err);
    }
  }
}

/** Notifies every listener that `restored` is active again. */
export function notifyExit(restored: Context): void {
  const list = listeners.list;
  for (let i = 0; i < list.length; i++) {
    const l = list[i];
    if (l.exit === undefined) continue;
    try {
      l.exit(restored);
    } catch (err) {
      report(err);
    }
  }
}
