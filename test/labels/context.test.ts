import { ROOT_CONTEXT, createContextKey } from '@opentelemetry/api';
import { forLabels, label, labels, labelsOf, withLabels, LABELS_CONTEXT_KEY } from '../../src/labels';

describe('labels in an OpenTelemetry Context', () => {
  test('withLabels adds labels to a child context; the parent is unchanged', () => {
    const ctx = withLabels(ROOT_CONTEXT, labels('a', '1'));
    expect(label(ctx, 'a')).toBe('1');
    expect(label(ROOT_CONTEXT, 'a')).toBeUndefined();
    expect(labelsOf(ROOT_CONTEXT)).toBeUndefined();
  });

  test('withLabels merges with the parent\'s labels; the newer value wins on a shared key', () => {
    const parent = withLabels(ROOT_CONTEXT, labels('a', '1', 'b', '1'));
    const child = withLabels(parent, labels('b', '2', 'c', '2'));
    expect(labelsOf(child)?.toObject()).toEqual({ a: '1', b: '2', c: '2' });
    expect(labelsOf(parent)?.toObject()).toEqual({ a: '1', b: '1' });
  });

  test('labels live under otelprof\'s own key (Symbol.for, shared by copies) and survive other values', () => {
    expect(LABELS_CONTEXT_KEY).toBe(Symbol.for('otelprof.labels'));
    const ctx = withLabels(ROOT_CONTEXT, labels('a', '1')).setValue(createContextKey('other'), 42);
    expect(label(ctx, 'a')).toBe('1');
  });

  test('the same Context always yields the same LabelSet object', () => {
    const ctx = withLabels(ROOT_CONTEXT, labels('a', '1'));
    expect(labelsOf(ctx)).toBe(labelsOf(ctx));
    expect(labelsOf(ctx.setValue(createContextKey('x'), 1))).toBe(labelsOf(ctx));
  });

  test('forLabels visits labels in key order and stops when fn returns false', () => {
    const ctx = withLabels(ROOT_CONTEXT, labels('c', '3', 'a', '1', 'b', '2'));
    const all: string[] = [];
    forLabels(ctx, (k, v) => {
      all.push(`${k}=${v}`);
      return true;
    });
    expect(all).toEqual(['a=1', 'b=2', 'c=3']);
    const some: string[] = [];
    forLabels(ctx, (k) => {
      some.push(k);
      return k !== 'b';
    });
    expect(some).toEqual(['a', 'b']);
    let calls = 0;
    forLabels(ROOT_CONTEXT, () => {
      calls++;
      return true;
    });
    expect(calls).toBe(0);
  });

  test.each<[string, () => unknown, string]>([
    ['withLabels with undefined', () => withLabels(undefined as never, labels('a', '1')), 'withLabels: ctx must be an OpenTelemetry Context'],
    ['label given a LabelSet for ctx', () => label(labels('a', '1') as never, 'a'), 'label: ctx must be an OpenTelemetry Context'],
    ['forLabels with a plain object', () => forLabels({} as never, () => true), 'forLabels: ctx must be an OpenTelemetry Context'],
    ['forLabels without fn', () => forLabels(withLabels(ROOT_CONTEXT, labels('a', '1')), undefined as never), 'forLabels: fn must be a function'],
  ])('%s throws PPROF_ERR_INVALID_ARG naming the argument', (_what, call, message) => {
    expect(call).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message }));
  });

  test('withLabels rejects a set that is not a LabelSet', () => {
    expect(() => withLabels(ROOT_CONTEXT, { a: '1' } as never)).toThrow(expect.objectContaining({
      code: 'PPROF_ERR_INVALID_ARG', message: 'withLabels: set must be a LabelSet built with labels(k, v, ...)',
    }));
  });
});
