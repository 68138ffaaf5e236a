/**
 * Tells watchers when `AsyncResource.prototype.runInAsyncScope` is entered and when it returns.
 *
 * Why. The context bridge's `before` hook sees every callback start, but where the native sampler
 * reads one global slot (Node 20) or the inspector's samples are joined to a log of switches, a
 * callback that returns synchronously to code of another async context must also put the caller's
 * context back. `runInAsyncScope` is where that happens: `AsyncResource.bind` (undici, pooled
 * clients), `queueMicrotask`, `EventEmitterAsyncResource`. An async-hooks `after` hook sees it too,
 * but Node then calls it after every callback and promise continuation: 0.35-0.4 µs per 4-hop
 * request on Node 20 (bench/RESULTS.md, twelfth pass), for the few returns that need it.
 *
 * The wrapper is installed once per copy of this module, on the first watcher, and stays (it only
 * calls through while nobody watches), so start/stop cycles never stack wrappers. Not seen
 * returning: a callback native code makes synchronously inside another (a nested MakeCallback), and
 * one bound with `AsyncResource.bind(fn, thisArg)` before the wrapper existed (Node binds the method
 * itself then); their context stays in force until the next callback starts.
 */
import { AsyncResource } from 'node:async_hooks';

/** Told about each `runInAsyncScope` call: `entering` before it (its result comes back to `exited`). */
export interface AsyncScopeWatcher {
  scopeEntering(): unknown;
  scopeExited(token: unknown): void;
}

let watchers: readonly AsyncScopeWatcher[] = [];
let wrapped = false;

/** Watches `runInAsyncScope` calls until the returned function is called. */
export function watchAsyncScopes(watcher: AsyncScopeWatcher): () => void {
  if (!wrapped) wrapRunInAsyncScope();
  watchers = [...watchers, watcher];
  return () => {
    watchers = watchers.filter((w) => w !== watcher);
  };
}

function wrapRunInAsyncScope(): void {
  wrapped = true;
  const proto = AsyncResource.prototype as unknown as { runInAsyncScope: (...a: unknown[]) => unknown };
  const original = proto.runInAsyncScope;
  // Two declared parameters, as Node's own (`fn`, `thisArg`, ...args): `length` stays 2.
  const runInAsyncScope = function (this: AsyncResource, _fn: unknown, _thisArg?: unknown): unknown {
    // The list is replaced, never changed in place: a watcher leaving during the call is still told.
    const list = watchers;
    if (list.length === 0) return Reflect.apply(original, this, arguments);
    if (list.length === 1) {
      const w = list[0];
      const token = w.scopeEntering();
      try {
        return Reflect.apply(original, this, arguments);
      } finally {
        w.scopeExited(token);
      }
    }
    const tokens = list.map((w) => w.scopeEntering());
    try {
      return Reflect.apply(original, this, arguments);
    } finally {
      for (let i = list.length - 1; i >= 0; i--) list[i].scopeExited(tokens[i]);
    }
  };
  Object.defineProperty(proto, 'runInAsyncScope', { value: runInAsyncScope, writable: true, configurable: true, enumerable: false });
}
