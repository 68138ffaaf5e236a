/**
 * Keeps the sample context (see `./sample-context.ts`) current for the V8 sampler.
 *
 * Three modes, picked by the CPU backend:
 *  - `frame`: AsyncContextFrame runtimes (Node 24+, 22 with the flag) with the native sampler. The
 *    sample context rides in an AsyncLocalStorage of the sampler's own, which V8 carries across
 *    `await`, promises, timers and callbacks for free; the native signal handler reads it there.
 *    Only entering a context (`context.with`) costs anything.
 *  - `global`: no AsyncContextFrame (Node 20, 22 without the flag). The native sampler reads one
 *    global slot, so an async-hooks bridge refreshes it before every callback or continuation.
 *    There is no `after` hook: the next callback sets its own context anyway, and between
 *    callbacks the loop is idle (samples the profile builders strip of context) or in native
 *    work the last callback left. Measured: the `after` hook (a native slot write per callback,
 *    and a promise hook for every continuation) was a sixth of the bridge's cost.
 *  - `log`: the inspector backend, which has no per-sample slot at all. The same hooks append each
 *    change to a ring of (monotonic time, context) transitions; samples are joined to it by time
 *    when a window is collected.
 * In every mode the active OpenTelemetry context manager's `with` is wrapped, so contexts entered
 * synchronously (`runWithLabels`, `context.with(trace.setSpan(...))`) are seen at once.
 */
import { createHook } from 'node:async_hooks';
import type { AsyncHook, AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { otelApi } from '../otel-api';
import type { Context, ContextManager } from '@opentelemetry/api';
import { resolveSampleContext } from './sample-context';
import { TransitionLog } from './transition-log';

/** How the bridge delivers the sample context (see the file comment). */
export type BridgeMode = 'frame' | 'global' | 'log';

/** Where a bridge writes: one of these, depending on the mode. */
export interface BridgeSink {
  /** `global` mode: the native sampler's context slot. */
  setGlobal?(value: object | undefined): void;
  /** `frame` mode: the sampler's AsyncLocalStorage and a per-context holder factory. */
  store?: AsyncLocalStorage<unknown>;
  holder?(value: object): unknown;
}

type WithFn = ContextManager['with'];

/** Keeps one backend's notion of the current sample context right (see the file comment). */
export class ContextBridge {
  readonly mode: BridgeMode;
  readonly log: TransitionLog | undefined;
  private readonly _sink: BridgeSink;
  private _current: object | undefined;
  private _hook: AsyncHook | undefined;
  private _manager: ContextManager | undefined;
  private _origWith: WithFn | undefined;
  /**
   * Holder per sample context, held weakly on both sides: a native holder keeps its value alive
   * through a strong global handle, so a strongly held holder (e.g. a WeakMap value) would pin
   * its key forever and leak every context ever entered.
   */
  private readonly _holders = new WeakMap<object, WeakRef<object>>();
  private _originMicros = 0;
  private _installed = false;

  constructor(mode: BridgeMode, sink: BridgeSink) {
    this.mode = mode;
    this._sink = sink;
    this.log = mode === 'log' ? new TransitionLog(1 << 16) : undefined;
  }

  /** Starts tracking: wraps the context manager and, outside `frame` mode, enables the hooks. */
  install(): void {
    if (this._installed) {
      this.rewrap();
      return;
    }
    this._installed = true;
    this._originMicros = Number(process.hrtime.bigint()) / 1000 - performance.now() * 1000;
    this.rewrap();
    if (this.mode !== 'frame' && this._hook === undefined) {
      this._hook = createHook({
        before: () => this.set(resolveSampleContext(otelApi().context.active())),
      });
      this._hook.enable();
    }
    this.refresh();
  }

  /** Stops tracking and restores the context manager. */
  uninstall(): void {
    this._installed = false;
    this._hook?.disable();
    this._hook = undefined;
    this._unwrap();
    this.set(undefined);
  }

  /**
   * Re-reads the sample context of the running code. Call after changing labels in place
   * (`setContextLabels`): in `frame` mode it enters the new value for the current async context.
   */
  refresh(onlyIfUnwrapped = false): void {
    // While the global manager's `with` is wrapped, every context entry already passes through
    // `_enter`: a refresh for a `runWithLabels` scope would redo that work.
    if (onlyIfUnwrapped && this._manager !== undefined && currentContextManager() === this._manager) return;
    const v = resolveSampleContext(otelApi().context.active());
    if (this.mode === 'frame') {
      const store = this._sink.store;
      if (store !== undefined) store.enterWith(v === undefined ? undefined : this._holderOf(v));
      return;
    }
    this.set(v);
  }

  /** Wraps the current global context manager if it changed since the last call (NodeSDK start). */
  rewrap(): void {
    const mgr = currentContextManager();
    if (mgr === undefined || mgr === this._manager) return;
    this._unwrap();
    const orig = mgr.with;
    const bridge = this;
    type AnyFn = (...a: unknown[]) => unknown;
    const origAny = orig as unknown as (this: ContextManager, ctx: Context, fn: AnyFn, thisArg?: unknown, ...args: unknown[]) => unknown;
    const wrapped = function (this: ContextManager, ctx: Context, fn: AnyFn, thisArg?: unknown, ...args: unknown[]): unknown {
      return origAny.call(this, ctx, function (this: unknown, ...a: unknown[]) {
        return bridge._enter(fn, this, a);
      }, thisArg, ...args);
    } as unknown as WithFn;
    mgr.with = wrapped;
    this._manager = mgr;
    this._origWith = orig;
  }

  /** Runs `fn` with the sample context of the (already entered) active context. */
  private _enter(fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
    const v = resolveSampleContext(otelApi().context.active());
    if (this.mode === 'frame') {
      const store = this._sink.store as AsyncLocalStorage<unknown>;
      return store.run(v === undefined ? undefined : this._holderOf(v), Reflect.apply, fn, self, args);
    }
    const prev = this._current;
    this.set(v);
    try {
      return Reflect.apply(fn, self, args);
    } finally {
      this.set(prev);
    }
  }

  private set(v: object | undefined): void {
    if (v === this._current) return;
    this._current = v;
    if (this.log !== undefined) this.log.push(performance.now() * 1000 + this._originMicros, v);
    else this._sink.setGlobal?.(v);
  }

  private _holderOf(v: object): unknown {
    let h = this._holders.get(v)?.deref();
    if (h === undefined) {
      // One native holder per live sample context, not per switch (dd-trace#7355: per-switch
      // holders doubled the heap).
      h = (this._sink.holder as (x: object) => unknown)(v) as object;
      this._holders.set(v, new WeakRef(h));
    }
    return h;
  }

  private _unwrap(): void {
    if (this._manager !== undefined && this._origWith !== undefined) this._manager.with = this._origWith;
    this._manager = undefined;
    this._origWith = undefined;
  }
}

/**
 * The registered global context manager (the no-op one when none is). `@opentelemetry/api` keeps
 * it behind a private accessor that has been stable through the 1.x line.
 */
function currentContextManager(): ContextManager | undefined {
  const api = otelApi().context as unknown as { _getContextManager?: () => ContextManager };
  try {
    return typeof api._getContextManager === 'function' ? api._getContextManager() : undefined;
  } catch {
    return undefined;
  }
}
