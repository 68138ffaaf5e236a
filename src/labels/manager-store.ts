/**
 * The AsyncLocalStorage in which the registered OpenTelemetry context manager keeps the active
 * context (`AsyncLocalStorageContextManager` holds it in `_asyncLocalStorage`), checked once per
 * manager. On AsyncContextFrame runtimes a label scope's frame holds the scope's context there too,
 * so the manager's `with` finds it entered (its `run` returns early) and copies no frame of its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, ContextManager } from '@opentelemetry/api';
import type { AsyncFrames } from '../async-frame';
import { currentContextManager } from '../otel-api';

const checked = new WeakMap<ContextManager, AsyncLocalStorage<unknown> | null>();
let lastManager: ContextManager | undefined;
let lastStore: AsyncLocalStorage<unknown> | undefined;

const CONTEXT_LISTENERS_KEY = Symbol.for('otelprof.otel.contextListeners');

/**
 * Whether otelprof's context-switch listeners (`src/otel/context-listeners.ts`, the OTEP-4947
 * thread-context publisher) are subscribed: an instrumented manager tells them which context its
 * `with` returns to by reading `active()` after it returns, which would still be the scope's
 * context while the scope's own frame is entered.
 */
function contextListenersPresent(): boolean {
  const s = (globalThis as unknown as Record<symbol, { list?: unknown } | undefined>)[CONTEXT_LISTENERS_KEY];
  return s !== undefined && Array.isArray(s.list) && s.list.length > 0;
}

/**
 * The registered manager's store, or undefined when it keeps its context elsewhere, none is
 * registered, or context-switch listeners need the manager's own `run` (see above).
 */
export function contextManagerStore(frames: AsyncFrames): AsyncLocalStorage<unknown> | undefined {
  if (contextListenersPresent()) return undefined;
  const mgr = currentContextManager();
  if (mgr === lastManager) return lastStore;
  let store = mgr === undefined ? null : checked.get(mgr);
  if (store === undefined) {
    store = storeOf(mgr as ContextManager, frames) ?? null;
    checked.set(mgr as ContextManager, store);
  }
  lastManager = mgr;
  lastStore = store ?? undefined;
  return lastStore;
}

function storeOf(mgr: ContextManager, frames: AsyncFrames): AsyncLocalStorage<unknown> | undefined {
  const store = (mgr as { _asyncLocalStorage?: unknown })._asyncLocalStorage;
  if (!(store instanceof AsyncLocalStorage)) return undefined;
  // The manager must read its active context from that store: a context entered there is active.
  const probe = Object.freeze({}) as Context;
  const prior = frames.current();
  frames.enter(frames.derive(store, probe));
  try {
    return mgr.active() === probe ? store : undefined;
  } catch {
    return undefined;
  } finally {
    frames.enter(prior);
  }
}
