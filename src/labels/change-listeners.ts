/**
 * Synchronous notifications when otelprof itself changes the labels of the running code, for
 * samplers that cache "the current labels" in a slot (Node 20's async-hooks bridge, the native
 * sampler's context slot) and would otherwise only notice at the next async callback or
 * `context.with`. Fired when `runWithLabels` enters and leaves `fn` (synchronously) and after
 * `setContextLabels`. Shared by every copy of otelprof in the process (Symbol.for).
 */
import type { Context } from '@opentelemetry/api';
import { componentLogger } from '../otel-api';

const LISTENERS_KEY = Symbol.for('otelprof.labels.listeners');
/**
 * What changed: `scope`, a `runWithLabels` scope entered or left (its `context.with` call is also
 * visible to whoever wraps the context manager); `set`, labels replaced in place by
 * `setContextLabels` (visible to no one else).
 */
export type LabelsChangeKind = 'scope' | 'set';
type Listener = (kind: LabelsChangeKind) => void;
type GlobalWithListeners = typeof globalThis & { [LISTENERS_KEY]?: Listener[] };

const logger = componentLogger('otelprof/labels');

/**
 * Adds `item` to the array on globalThis under `key` (unless `once` and it is there) and returns
 * its removal. Copy on write: a notification loop iterates the array it read, without copying it
 * per call, and a change made by a listener during the loop takes effect at the next one.
 */
function addToSharedList<T>(key: symbol, item: T, once: boolean): () => void {
  const g = globalThis as unknown as Record<symbol, T[] | undefined>;
  const l = g[key] ?? [];
  if (!once || !l.includes(item)) g[key] = [...l, item];
  return () => {
    const now = g[key] ?? [];
    const i = now.indexOf(item);
    if (i >= 0) g[key] = [...now.slice(0, i), ...now.slice(i + 1)];
  };
}

/**
 * Internal: calls `listener()` right after each label change made through otelprof (see the file
 * comment); read `currentLabels()` inside it. Returns a function that unsubscribes. A listener
 * that throws is logged and skipped; it never breaks the caller of `runWithLabels`.
 */
export function onLabelsChanged(listener: Listener): () => void {
  return addToSharedList(LISTENERS_KEY, listener, false);
}

/** Whether anyone listens (checked before doing any notification work). */
export function hasLabelListeners(): boolean {
  const l = (globalThis as GlobalWithListeners)[LISTENERS_KEY];
  return l !== undefined && l.length > 0;
}

/** Calls every listener; errors are logged, never thrown. */
export function notifyLabelsChanged(kind: LabelsChangeKind): void {
  const l = (globalThis as GlobalWithListeners)[LISTENERS_KEY];
  if (l === undefined) return;
  for (let i = 0; i < l.length; i++) {
    try {
      l[i](kind);
    } catch (err) {
      logger.error(`a labels-changed listener threw: ${String(err)}`);
    }
  }
}

const FIRST_USE_KEY = Symbol.for('otelprof.labels.firstUse');
interface FirstUse {
  used: boolean;
  waiters: Array<() => void>;
}
type GlobalWithFirstUse = typeof globalThis & { [FIRST_USE_KEY]?: FirstUse };
let firstUseRef: FirstUse | undefined;

function firstUse(): FirstUse {
  return (firstUseRef ??= ((globalThis as GlobalWithFirstUse)[FIRST_USE_KEY] ??= { used: false, waiters: [] }));
}

/**
 * Internal: notes that labels are in use (`withLabels`, `runWithLabels`, `setContextLabels`) and,
 * the first time, runs the waiters of {@link onFirstLabelsUse}. Samplers use it to pay for label
 * propagation only in processes that have labels.
 */
export function markLabelsUsed(): void {
  const f = firstUse();
  if (f.used) return;
  f.used = true;
  for (const fn of f.waiters.splice(0)) {
    try {
      fn();
    } catch (err) {
      logger.error(`a first-labels-use listener threw: ${String(err)}`);
    }
  }
}

/** Internal: whether any code in the process has used labels yet (no context can carry any before). */
export function labelsEverUsed(): boolean {
  return firstUse().used;
}

/** Internal: runs `fn` once labels are first used (at once if they already were). */
export function onFirstLabelsUse(fn: () => void): void {
  const f = firstUse();
  if (f.used) fn();
  else f.waiters.push(fn);
}

const SCOPE_WRITERS_KEY = Symbol.for('otelprof.labels.scopeFrameWriters');
/**
 * Writes what a sampler keeps in the async frame (its sample-context slot) into a new label scope's
 * frame, for the context `ctx` the scope runs in. Called before the frame is entered: it may
 * `frame.set`, nothing else (see `src/async-frame.ts`).
 */
export type ScopeFrameWriter = (frame: Map<object, unknown>, ctx: Context) => void;
type GlobalWithWriters = typeof globalThis & { [SCOPE_WRITERS_KEY]?: ScopeFrameWriter[] };

/**
 * Internal: on AsyncContextFrame runtimes a label scope (`runWithLabels`, `setContextLabels`) enters
 * one new frame; `writer` adds its own entries to it, so the sampler's slot needs no frame copy of
 * its own. Returns a function that unsubscribes. A writer that throws is logged and skipped.
 */
export function onScopeFrame(writer: ScopeFrameWriter): () => void {
  return addToSharedList(SCOPE_WRITERS_KEY, writer, true);
}

/** Runs every scope-frame writer on `frame` (not yet entered); errors are logged, never thrown. */
export function writeScopeFrame(frame: Map<object, unknown>, ctx: Context): void {
  const l = (globalThis as GlobalWithWriters)[SCOPE_WRITERS_KEY];
  if (l === undefined) return;
  for (let i = 0; i < l.length; i++) {
    try {
      l[i](frame, ctx);
    } catch (err) {
      logger.error(`a scope-frame writer threw: ${String(err)}`);
    }
  }
}
