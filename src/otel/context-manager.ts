/**
 * ProfilingContextManager: a decorator for any OTel ContextManager that tells otelprof's
 * context-switch listeners (sampler bridge, thread-context publisher) which context is entered,
 * so the profiler's notion of "current context" follows `context.with()` exactly.
 */
import type { Context, ContextManager } from '@opentelemetry/api';
import { hasContextSwitchListeners, notifyEnter, notifyExit } from './context-listeners';

/** A disposable returned by the experimental `ContextManager.attach()` (API 1.10+). */
interface AttachToken {
  dispose(): void;
}
type Attachable = ContextManager & { attach?(ctx: Context): AttachToken };

/** Brand recognised across copies of otelprof (to avoid wrapping twice). */
const BRAND = Symbol.for('otelprof.ProfilingContextManager');
/** Marks an inner manager whose `with` already notifies. */
const WRAPPED = Symbol.for('otelprof.ProfilingContextManager.wrapped');

/** True if `cm` is a ProfilingContextManager (from any copy of otelprof). */
export function isProfilingContextManager(cm: unknown): cm is ProfilingContextManager {
  return typeof cm === 'object' && cm !== null && (cm as Record<symbol, unknown>)[BRAND] === true;
}

// Module-level so `with()` allocates no closure of its own; `args` is the rest array the
// inner manager passes through.
type AnyFn = (...a: unknown[]) => unknown;
function runEnteredImpl(ctx: Context, fn: AnyFn, thisArg: unknown, args: unknown[]): unknown {
  notifyEnter(ctx);
  return args.length === 0 ? fn.call(thisArg) : fn.apply(thisArg, args);
}
const runEntered = runEnteredImpl as AnyFn;

/**
 * Wraps `inner` (usually `AsyncLocalStorageContextManager`): `active()`, `bind()`, `enable()` and
 * `disable()` delegate; `with(ctx, fn)` (also when reached through `bind()`) runs `fn` inside the
 * inner `with` after telling the listeners that `ctx` is active, and tells them the restored
 * context when it returns. The experimental `attach(ctx)` is forwarded when `inner` has it.
 *
 * With no listener subscribed, `with()` costs one extra call. Create it with
 * `withProfiling()` (NodeSDK) or pass it as the provider's context manager yourself; otelprof
 * never registers a context manager on its own.
 */
export class ProfilingContextManager implements ContextManager {
  readonly [BRAND] = true;
  private readonly _inner: Attachable;

  /**
   * @param inner the context manager doing the real propagation. Its `with` is shadowed by an
   *   own property that notifies the listeners, so that `bind()`-ed functions and event emitters
   *   (which the inner manager routes through its own `with`) notify too.
   */
  constructor(inner: ContextManager) {
    this._inner = inner as Attachable;
    if (typeof (inner as Attachable).attach !== 'function') delete (this as Partial<ProfilingContextManager>).attach;
    if (!(inner as unknown as Record<symbol, unknown>)[WRAPPED]) {
      const innerWith = inner.with;
      const wrapped = function notifyingWith(this: ContextManager, ctx: Context, fn: (...a: unknown[]) => unknown, thisArg?: unknown, ...args: unknown[]): unknown {
        if (!hasContextSwitchListeners()) return innerWith.call(this, ctx, fn, thisArg, ...args);
        try {
          return innerWith.call(this, ctx, runEntered, undefined, ctx, fn, thisArg, args);
        } finally {
          notifyExit(this.active());
        }
      };
      Object.defineProperty(inner, 'with', { value: wrapped, configurable: true, writable: true });
      Object.defineProperty(inner, WRAPPED, { value: true });
    }
  }

  /** The wrapped context manager. */
  get inner(): ContextManager {
    return this._inner;
  }

  /** The active context, from the inner manager. */
  active(): Context {
    return this._inner.active();
  }

  /** Runs `fn` with `ctx` active; listeners see `ctx` before `fn` runs and the outer one after. */
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this._inner.with(ctx, fn, thisArg, ...args);
  }

  /** Binds `target` to `ctx` through the inner manager (bound calls go through `with`). */
  bind<T>(ctx: Context, target: T): T {
    return this._inner.bind(ctx, target);
  }

  /** Enables the inner manager. */
  enable(): this {
    this._inner.enable();
    return this;
  }

  /** Disables the inner manager. */
  disable(): this {
    this._inner.disable();
    return this;
  }

  /**
   * Experimental (API 1.10): makes `ctx` active for the rest of the current async chain.
   * Present only when the inner manager has it.
   */
  attach(ctx: Context): AttachToken {
    const token = (this._inner.attach as (c: Context) => AttachToken).call(this._inner, ctx);
    notifyEnter(ctx);
    const inner = this._inner;
    return {
      dispose(): void {
        token.dispose();
        notifyExit(inner.active());
      },
    };
  }
}
