/**
 * Keeps the sample context (see `./sample-context.ts`) current for the V8 sampler.
 *
 * Three modes, picked by the CPU backend:
 *  - `frame`: AsyncContextFrame runtimes (Node 24+, 22 with the flag) with the native sampler. The
 *    sample context rides in an AsyncLocalStorage of the sampler's own, which V8 carries across
 *    `await`, promises, timers and callbacks for free; the native signal handler reads it there.
 *    Only entering a context (`context.with`) costs anything.
 *  - `global`: no AsyncContextFrame (Node 20, 22 without the flag). The native sampler reads one
 *    global slot, so an async-hooks `before` hook refreshes it before every callback or
 *    continuation. A callback that returns to code of another context puts the caller's back where
 *    that happens, in `AsyncResource.runInAsyncScope` (`./async-scope-exits.ts`), not in an
 *    `after` hook Node would call after every callback and promise continuation: the next
 *    top-level callback sets its own context anyway, and between callbacks the loop is idle
 *    (samples the profile builders strip of context) or in native work the last callback left.
 *  - `log`: the inspector backend, which has no per-sample slot at all. The same hooks append each
 *    change to a ring of (monotonic time, context) transitions; samples are joined to it by time
 *    when a window is collected. On AsyncContextFrame runtimes `AsyncResource.runInAsyncScope`
 *    (what `AsyncResource.bind` calls) runs the `before` hook while the caller's frame is still
 *    current, so the hook reads the context of the frame the resource is about to enter.
 * In every mode the active OpenTelemetry context manager's `with` is wrapped, so contexts entered
 * synchronously (`runWithLabels`, `context.with(trace.setSpan(...))`) are seen at once; except the
 * API's no-op manager in `frame` mode, whose `with` enters nothing (see `rewrap`).
 */
import { createHook, executionAsyncResource } from 'node:async_hooks';
import type { AsyncHook, AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { asyncFrames, type AsyncFrames } from '../async-frame';
import { activeContext, currentContextManager, otelGlobalRegistered } from '../otel-api';
import type { Context, ContextManager } from '@opentelemetry/api';
import { performanceOriginMicros } from './clock';
import { resolveSampleContext } from './sample-context';
import { watchAsyncScopes } from './async-scope-exits';
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
type AnyFn = (...a: unknown[]) => unknown;

/** Keeps one backend's notion of the current sample context right (see the file comment). */
export class ContextBridge {
  readonly mode: BridgeMode;
  readonly log: TransitionLog | undefined;
  private readonly _sink: BridgeSink;
  /**
   * The runtime's async frames, outside `global` mode: where the `log` mode's `before` hook finds a
   * resource's frame, and how `frame` mode's `_enter` recognizes a scope's own frame.
   */
  private readonly _frames: AsyncFrames | undefined;
  /** `frame` mode: the frame a label scope last wrote the sampler's slot into, and for which context. */
  private _writtenFrame: object | undefined;
  private _writtenCtx: Context | undefined;
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
  /** Counts in-place changes (`refresh`), so a `with` scope knows whether to re-read on exit. */
  private _refreshes = 0;
  /** Stops watching `runInAsyncScope` returns (outside `frame` mode, while installed). */
  private _unwatchScopes: (() => void) | undefined;
  /** The last holder handed out and its value (keeps one context alive at most). */
  private _lastValue: object | undefined;
  private _lastHolder: unknown;

  constructor(mode: BridgeMode, sink: BridgeSink) {
    this.mode = mode;
    this._sink = sink;
    this.log = mode === 'log' ? new TransitionLog(1 << 16) : undefined;
    this._frames = mode === 'global' ? undefined : asyncFrames();
  }

  /** Whether the bridge tracks context changes now. */
  get installed(): boolean {
    return this._installed;
  }

  /** Starts tracking: wraps the context manager and, outside `frame` mode, enables the hooks. */
  install(): void {
    if (this._installed) {
      this.rewrap();
      return;
    }
    this._installed = true;
    this._originMicros = performanceOriginMicros();
    this.rewrap();
    if (this.mode !== 'frame' && this._hook === undefined) {
      this._hook = createHook({ before: () => this._before() });
      this._hook.enable();
      this._unwatchScopes = watchAsyncScopes(this);
    }
    this.refresh();
  }

  /** Stops tracking and restores the context manager. */
  uninstall(): void {
    this._installed = false;
    this._hook?.disable();
    this._hook = undefined;
    this._unwatchScopes?.();
    this._unwatchScopes = undefined;
    this._unwrap();
    this.set(undefined);
    this._lastValue = undefined;
    this._lastHolder = undefined;
    this._writtenFrame = undefined;
    this._writtenCtx = undefined;
  }

  private _before(): void {
    // Hooks run in `global` and `log` mode only; frames are known in `log` mode alone.
    this.set(this._frames === undefined ? resolveSampleContext(activeContext()) : this._enteringContext(this._frames));
  }

  /**
   * The sample context of the callback a `before` hook announces, where the runtime switches the
   * frame only after the hook (`AsyncResource.runInAsyncScope`): read inside the resource's frame.
   */
  private _enteringContext(frames: AsyncFrames): object | undefined {
    const entering = frames.recordedFrame(executionAsyncResource());
    const current = frames.current();
    if (entering === null || entering === current) return resolveSampleContext(activeContext());
    // Entering the resource's frame early is what runInAsyncScope does next; no frame changes in place.
    frames.enter(entering);
    try {
      return resolveSampleContext(activeContext());
    } finally {
      frames.enter(current);
    }
  }

  /** `runInAsyncScope` is about to run a callback in another context: the caller's, for the return. */
  scopeEntering(): object | undefined {
    return this._current;
  }

  /** `runInAsyncScope` returned: the caller runs again (its context cannot have changed meanwhile). */
  scopeExited(callers: unknown): void {
    this.set(callers as object | undefined);
  }

  /**
   * Re-reads the sample context of the running code. Call after changing labels in place
   * (`setContextLabels`): in `frame` mode it enters the new value for the current async context.
   */
  refresh(onlyIfUnwrapped = false): void {
    // While the global manager's `with` is wrapped, every context entry already passes through
    // `_enter`: a refresh for a `runWithLabels` scope would redo that work.
    if (onlyIfUnwrapped && this._manager !== undefined && currentContextManager() === this._manager) return;
    this._refreshes++;
    const active = activeContext();
    if (this.mode === 'frame') {
      const store = this._sink.store;
      // `setContextLabels` has just written this frame's slot for this context.
      if (store === undefined || this._inWrittenFrame(active)) return;
      const v = resolveSampleContext(active);
      const h = v === undefined ? undefined : this._holderOf(v);
      if (store.getStore() !== h) store.enterWith(h);
      return;
    }
    this.set(resolveSampleContext(active));
  }

  /** `frame` mode: whether the code runs in the frame a label scope last wrote for `active`. */
  private _inWrittenFrame(active: Context): boolean {
    return active === this._writtenCtx && this._frames !== undefined && this._frames.current() === this._writtenFrame;
  }

  /**
   * `frame` mode: puts the sample context of `active` into `frame`, a new frame a label scope is
   * about to enter (not yet current: the signal handler reads the current one). The scope's
   * `context.with` then finds its holder in place, and `_enter`'s `run` copies no frame.
   */
  writeFrameEntry(frame: Map<object, unknown>, active: Context): void {
    const store = this._sink.store;
    if (this.mode !== 'frame' || !this._installed || store === undefined) return;
    const v = resolveSampleContext(active);
    frame.set(store, v === undefined ? undefined : this._holderOf(v));
    this._writtenFrame = frame;
    this._writtenCtx = active;
  }

  /** Wraps the current global context manager if it changed since the last call (NodeSDK start). */
  rewrap(): void {
    const mgr = currentContextManager();
    if (mgr === undefined || mgr === this._manager) return;
    this._unwrap();
    this._manager = mgr;
    // `frame` mode under the API's no-op manager (none registered): its `with` changes no context,
    // and label scopes write the sampler's slot into the frames they enter (where otelprof reaches
    // the runtime's frames), so it is left alone (about 80 ns less per `runWithLabels` on Node 24,
    // bench/label-scope-time.js).
    if (this.mode === 'frame' && this._frames !== undefined && !otelGlobalRegistered('context')) return;
    const orig = mgr.with;
    const bridge = this;
    const origAny = orig as unknown as (this: ContextManager, ctx: Context, fn: AnyFn, thisArg?: unknown, ...args: unknown[]) => unknown;
    // A closure per call, not our arguments riding in the manager's: a manager that does not
    // forward `with`'s extra arguments still runs `fn` (measured: 10-20 ns per call).
    const wrapped = function (this: ContextManager, ctx: Context, fn: AnyFn, thisArg?: unknown, ...args: unknown[]): unknown {
      return origAny.call(this, ctx, function (this: unknown, ...a: unknown[]) {
        return bridge._enter(fn, this, a);
      }, thisArg, ...args);
    } as unknown as WithFn;
    mgr.with = wrapped;
    this._origWith = orig;
  }

  /**
   * Runs `fn` with the sample context of the (already entered) active context. On exit the
   * caller's context comes back, unless `fn` changed labels in place (`setContextLabels`): those
   * outlive the `with` scope, so the caller's context is read afresh.
   */
  private _enter(fn: AnyFn, self: unknown, args: unknown[]): unknown {
    const active = activeContext();
    const refreshes = this._refreshes;
    if (this.mode === 'frame') {
      const store = this._sink.store as AsyncLocalStorage<unknown>;
      try {
        // Still in the frame a label scope wrote for this very context: its slot is right already.
        if (this._inWrittenFrame(active)) return Reflect.apply(fn, self, args);
        const v = resolveSampleContext(active);
        return store.run(v === undefined ? undefined : this._holderOf(v), Reflect.apply, fn, self, args);
      } finally {
        if (this._refreshes !== refreshes) this.refresh();
      }
    }
    const v = resolveSampleContext(active);
    const prev = this._current;
    this.set(v);
    try {
      return Reflect.apply(fn, self, args);
    } finally {
      this.set(this._refreshes === refreshes ? prev : resolveSampleContext(activeContext()));
    }
  }

  private set(v: object | undefined): void {
    if (v === this._current) return;
    // Once uninstalled only the clearing write goes through: a scope still unwinding (a `with`, a
    // `runInAsyncScope`) must not write into a stopped backend's slot.
    if (!this._installed && v !== undefined) return;
    this._current = v;
    if (this.log !== undefined) this.log.push(performance.now() * 1000 + this._originMicros, v);
    else this._sink.setGlobal?.(v);
  }

  private _holderOf(v: object): unknown {
    // Asked again for the value just handed out: a scope whose `with` enters a frame of its own
    // asks for the holder the scope's writer got.
    if (v === this._lastValue) return this._lastHolder;
    let h = this._holders.get(v)?.deref();
    if (h === undefined) {
      // One native holder per live sample context, not per switch (dd-trace#7355: per-switch
      // holders doubled the heap).
      h = (this._sink.holder as (x: object) => unknown)(v) as object;
      this._holders.set(v, new WeakRef(h));
    }
    this._lastValue = v;
    this._lastHolder = h;
    return h;
  }

  private _unwrap(): void {
    if (this._manager !== undefined && this._origWith !== undefined) this._manager.with = this._origWith;
    this._manager = undefined;
    this._origWith = undefined;
  }
}
