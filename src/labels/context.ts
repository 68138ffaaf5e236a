/**
 * Labels stored in an OpenTelemetry `Context` (Go's labels in a `context.Context`).
 *
 * The key is what the API's `createContextKey('otelprof.labels')` returns, `Symbol.for(description)`
 * (written out so that loading this module does not load the API): two copies of otelprof in one
 * process (or one process with several OTel API copies) read the same labels.
 */
import type { Context } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors';
import { markLabelsUsed } from './change-listeners';
import { LabelSet } from './label-set';

/** otelprof's own context key; the value stored under it is a {@link LabelSet}. */
export const LABELS_CONTEXT_KEY: symbol = Symbol.for('otelprof.labels');

/**
 * The label set stored in `ctx`, or `undefined` when it has none. Returns the stored object
 * itself: the same `Context` always yields the same `LabelSet` (cheap enough for hot paths).
 */
export function labelsOf(ctx: Context): LabelSet | undefined {
  const value = ctx.getValue(LABELS_CONTEXT_KEY);
  return LabelSet.isLabelSet(value) ? value : undefined;
}

/**
 * Throws unless `ctx` looks like an OTel `Context` (a clear coded error instead of a TypeError
 * from inside `getValue`). `where` names the calling function in the message.
 */
export function checkContext(ctx: unknown, where: string): void {
  if (typeof ctx !== 'object' || ctx === null || typeof (ctx as Context).getValue !== 'function') {
    throw new InvalidArgumentError(`${where}: ctx must be an OpenTelemetry Context`);
  }
}

/**
 * Go's `pprof.WithLabels`: a child of `ctx` whose labels are `ctx`'s labels overridden by `set`
 * (a key in both takes `set`'s value). `ctx` itself is unchanged (contexts are immutable).
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `ctx` is not an OTel `Context` or
 *   `set` is not a `LabelSet`.
 */
export function withLabels(ctx: Context, set: LabelSet): Context {
  checkContext(ctx, 'withLabels');
  if (!LabelSet.isLabelSet(set)) {
    throw new InvalidArgumentError('withLabels: set must be a LabelSet built with labels(k, v, ...)');
  }
  markLabelsUsed();
  const parent = labelsOf(ctx);
  return ctx.setValue(LABELS_CONTEXT_KEY, parent === undefined ? set : parent.merge(set));
}

/**
 * Go's `pprof.Label`: the value of label `key` in `ctx`, or `undefined` if it is not set.
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `ctx` is not an OTel `Context`.
 */
export function label(ctx: Context, key: string): string | undefined {
  checkContext(ctx, 'label');
  return labelsOf(ctx)?.get(key);
}

/**
 * Go's `pprof.ForLabels`: calls `fn(key, value)` for each label of `ctx` in key order, stopping
 * early when `fn` returns `false` (any other return value continues).
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `ctx` is not an OTel `Context` or `fn`
 *   is not a function (also when `ctx` has no labels, so the mistake shows at once).
 */
export function forLabels(ctx: Context, fn: (key: string, value: string) => boolean | void): void {
  checkContext(ctx, 'forLabels');
  if (typeof fn !== 'function') throw new InvalidArgumentError('forLabels: fn must be a function');
  const set = labelsOf(ctx);
  if (set === undefined) return;
  for (const [k, v] of set) {
    if (fn(k, v) === false) return;
  }
}
