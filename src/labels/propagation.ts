/**
 * Which labels the running code carries: Go's goroutine labels (`Do`, `SetGoroutineLabels`).
 *
 * Design. Labels live in the OpenTelemetry `Context` (key in `./context.ts`), so they follow
 * `await`, timers and callbacks exactly as the active span does when a context manager such as
 * `AsyncLocalStorageContextManager` is registered. Two things the OTel API cannot do on its own:
 *  1. run with labels when no context manager is registered (the no-op manager ignores
 *     `context.with`), and
 *  2. change the labels of the *current* async context in place (`setContextLabels`): the OTel
 *     API has no "enterWith".
 * So otelprof keeps one AsyncLocalStorage of its own (created on first use, shared by all copies of
 * otelprof in the process through `Symbol.for`). Its store is `{ labels, shadow }`: the labels
 * installed by `runWithLabels`/`setContextLabels`, and the active context's labels at that
 * moment. `currentLabels()` then reads:
 *  - the installed labels while the active context's labels are still `shadow` (nothing changed
 *    them since: Go's "goroutine labels replaced by SetGoroutineLabels"),
 *  - else the active context's labels merged over the installed ones (someone entered a context
 *    carrying other labels with `context.with(withLabels(...))`: the newer, more specific labels win).
 * `runWithLabels` sets both the OTel context (when a manager exists, so `context.active()` and the
 * `ctx` passed to `fn` carry the labels) and the own storage (the fallback, and the scope that
 * undoes `setContextLabels` calls made inside `fn`, as Go's `Do` restores labels when `f` returns).
 * On AsyncContextFrame runtimes (Node 24+) the own storage is entered as one new frame that also
 * holds the samplers' slots (`onScopeFrame`), and the caller's frame object is put back on return
 * (`src/async-frame.ts`); elsewhere through `AsyncLocalStorage.run`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import { asyncFrames, type AsyncFrames } from '../async-frame';
import { InvalidArgumentError } from '../errors';
import { activeContext, currentContextManager, otelApi } from '../otel-api';
import { hasLabelListeners, labelsEverUsed, markLabelsUsed, notifyLabelsChanged, writeScopeFrame } from './change-listeners';
import { checkContext, LABELS_CONTEXT_KEY, labelsOf } from './context';
import { contextManagerStore } from './manager-store';
import { LabelSet } from './label-set';

interface Installed {
  /** Labels installed for this async context (undefined: none). */
  readonly labels: LabelSet | undefined;
  /** The active OTel context's labels when they were installed. */
  readonly shadow: LabelSet | undefined;
}

const STORAGE_KEY = Symbol.for('otelprof.labels.storage');
type GlobalWithStorage = typeof globalThis & { [STORAGE_KEY]?: AsyncLocalStorage<Installed> };

let storageRef: AsyncLocalStorage<Installed> | undefined;
/** The scope being written into a frame not yet entered (see `enterOwnFrame`): read as installed. */
let pending: Installed | undefined;

/** The process-wide storage; created only when labels are first installed (no import side effects). */
function storage(create: boolean): AsyncLocalStorage<Installed> | undefined {
  if (storageRef !== undefined) return storageRef;
  const g = globalThis as GlobalWithStorage;
  if (g[STORAGE_KEY] === undefined && create) g[STORAGE_KEY] = new AsyncLocalStorage<Installed>();
  storageRef = g[STORAGE_KEY];
  return storageRef;
}

/**
 * The labels of the running code, or `undefined` when it has none: labels installed by
 * {@link runWithLabels} / {@link setContextLabels} combined with those of `context.active()` (see
 * the file comment for the rule). Cheap (two store reads; merges are cached), and the same
 * contexts always yield the same `LabelSet` object, so callers may key caches on it. Pass
 * `activeCtx` when `context.active()` was just read (the sampler's bridge, per callback).
 */
export function currentLabels(activeCtx?: Context): LabelSet | undefined {
  // Before any label use no context carries one: answer without loading @opentelemetry/api (the
  // mutex profile asks on every contention; loading the API there held the loop ~10 ms once).
  if (activeCtx === undefined && !labelsEverUsed()) return undefined;
  const active = labelsOf(activeCtx ?? activeContext());
  const installed = pending ?? (storageRef !== undefined ? storageRef.getStore() : storage(false)?.getStore());
  let result: LabelSet | undefined;
  if (installed === undefined || installed.labels === active) result = active;
  else if (active === installed.shadow || active === undefined) result = installed.labels;
  else result = installed.labels === undefined ? active : installed.labels.merge(active);
  return result === undefined || result.size === 0 ? undefined : result;
}

/**
 * Go's `pprof.Do`: runs `fn(ctx)` where `ctx` is the active OTel context with `set` added to the
 * labels of the running code (`set` wins on shared keys). The labels follow everything `fn`
 * starts (`await`, promises, timers, callbacks), with or without a registered OTel context
 * manager; an event listener runs with the labels of the code that emits the event. When `fn` returns, the labels of the caller are back in force
 * (on Node 24+ its whole async context: a store `fn` entered with `enterWith` stays inside).
 * Returns what `fn` returns (a promise for an async `fn`).
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `set` is not a `LabelSet` or `fn` is
 *   not a function; whatever `fn` throws propagates unchanged.
 */
export function runWithLabels<T>(set: LabelSet, fn: (ctx: Context) => T): T {
  if (!LabelSet.isLabelSet(set)) {
    throw new InvalidArgumentError('runWithLabels: set must be a LabelSet built with labels(k, v, ...)');
  }
  if (typeof fn !== 'function') throw new InvalidArgumentError('runWithLabels: fn must be a function');
  markLabelsUsed();
  const current = currentLabels();
  const merged = current === undefined ? set : current.merge(set);
  const api = otelApi();
  const active = activeContext();
  // No context manager (or none entered yet): the root context with these labels, kept on the
  // shared set (sets are per content, see labels()), so a request handler allocates no Context.
  const ctx = active === api.ROOT_CONTEXT ? rootContextWith(merged, active) : active.setValue(LABELS_CONTEXT_KEY, merged);
  const store = storage(true) as AsyncLocalStorage<Installed>;
  const installed: Installed = { labels: merged, shadow: merged };
  const announce = hasLabelListeners();
  try {
    const frames = asyncFrames();
    if (frames === undefined) return store.run(installed, withScope<T>, ctx, fn, announce);
    // One frame holds the scope and the sampler's slot; the caller's frame comes back as it was.
    const prior = frames.current();
    enterOwnFrame(frames, store, installed, ctx, contextManagerStore(frames));
    try {
      return withScope(ctx, fn, announce);
    } finally {
      frames.enter(prior);
    }
  } finally {
    if (announce) notifyLabelsChanged('scope');
  }
}

/**
 * Runs `fn(ctx)` in the OTel context `ctx`. With `announce`, the scope is announced inside the
 * `with`: a listener reading the active context then sees `ctx`, also where the context manager's
 * `with` is not the one the sampler's bridge wrapped (a manager registered after profiling started).
 */
function withScope<T>(ctx: Context, fn: (ctx: Context) => T, announce: boolean): T {
  // The registered manager itself, as the API's `context.with` would find it per call.
  const context = currentContextManager() ?? otelApi().context;
  return announce ? context.with(ctx, enterScope<T>, undefined, fn, ctx) : context.with(ctx, fn, undefined, ctx);
}

const ROOT_WITH = Symbol('otelprof.rootContextWith');
type WithRootContext = LabelSet & { [ROOT_WITH]?: Context };

/**
 * `root` (the ROOT_CONTEXT of otelprof's copy of the API: one object per process) with `set` as
 * its labels, made once per set.
 */
function rootContextWith(set: LabelSet, root: Context): Context {
  const s = set as WithRootContext;
  return (s[ROOT_WITH] ??= root.setValue(LABELS_CONTEXT_KEY, set));
}

/**
 * AsyncContextFrame runtimes: enters a new frame holding `installed`, `ctx` in the context
 * manager's store (`managerStore`, when it has one) and what the samplers keep there for `ctx`: one
 * frame copy, where `AsyncLocalStorage.run` for each would copy twice per store. Everything is
 * written before the frame is entered: a sampler reads the current frame from a signal handler.
 */
function enterOwnFrame(
  frames: AsyncFrames, store: AsyncLocalStorage<Installed>, installed: Installed, ctx: Context, managerStore?: AsyncLocalStorage<unknown>,
): void {
  const frame = frames.derive(store, installed);
  if (managerStore !== undefined) frame.set(managerStore, ctx);
  pending = installed;
  try {
    writeScopeFrame(frame, ctx);
  } finally {
    pending = undefined;
  }
  frames.enter(frame);
}

function enterScope<T>(fn: (ctx: Context) => T, ctx: Context): T {
  notifyLabelsChanged('scope');
  return fn(ctx);
}

/**
 * Go's `pprof.SetGoroutineLabels`: makes `ctx`'s labels (none if it has none) the labels of the
 * current async context, replacing those in force, from now until that async context ends or the
 * enclosing {@link runWithLabels} returns. Work started afterwards inherits them, as new
 * goroutines inherit their creator's labels.
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `ctx` is not an OTel `Context`.
 */
export function setContextLabels(ctx: Context): void {
  checkContext(ctx, 'setContextLabels');
  markLabelsUsed();
  const active = activeContext();
  const installed: Installed = { labels: labelsOf(ctx), shadow: labelsOf(active) };
  const store = storage(true) as AsyncLocalStorage<Installed>;
  const frames = asyncFrames();
  if (frames !== undefined) enterOwnFrame(frames, store, installed, active);
  else store.enterWith(installed);
  if (hasLabelListeners()) notifyLabelsChanged('set');
}
