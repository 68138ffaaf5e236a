/**
 * Labels with NO global OpenTelemetry context manager registered: the no-op manager ignores
 * context.with, so otelprof's own AsyncLocalStorage must carry the labels.
 */
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { currentLabels, label, labels, onLabelsChanged, runWithLabels, setContextLabels, withLabels } from '../../src/labels';
import { propagationCases } from './propagation-cases';

describe('label propagation without a context manager (otelprof\'s AsyncLocalStorage fallback)', () => {
  test('precondition: no context manager is registered (context.with is a no-op)', () => {
    expect(context.with(ROOT_CONTEXT.setValue(Symbol('probe'), 1), () => context.active())).toBe(ROOT_CONTEXT);
  });

  test('no labels outside any runWithLabels', () => {
    expect(currentLabels()).toBeUndefined();
  });

  test.each(propagationCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expect(c.run()).resolves.toEqual(c.expected);
  });

  test('the ctx given to fn carries the labels, one Context per label content (none made per call)', () => {
    const seen: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      runWithLabels(labels('route', '/a'), (ctx) => {
        expect(label(ctx, 'route')).toBe('/a');
        seen.push(ctx);
      });
    }
    runWithLabels(labels('route', '/b'), (ctx) => seen.push(ctx));
    expect(new Set(seen).size).toBe(2);
    expect(label(seen[3] as typeof ROOT_CONTEXT, 'route')).toBe('/b');
    // Nested: the inner ctx has both labels and is shared the same way.
    const inner = (): unknown => runWithLabels(labels('a', '1'), () => runWithLabels(labels('b', '2'), (ctx) => ctx));
    const ctx = inner();
    expect(inner()).toBe(ctx);
    expect([label(ctx as typeof ROOT_CONTEXT, 'a'), label(ctx as typeof ROOT_CONTEXT, 'b')]).toEqual(['1', '2']);
    expect(ROOT_CONTEXT.getValue(Symbol.for('otelprof.labels'))).toBeUndefined();
  });

  test('the active OTel context stays ROOT_CONTEXT, yet labels are current', () => {
    runWithLabels(labels('a', '1'), () => {
      expect(context.active()).toBe(ROOT_CONTEXT);
      expect(currentLabels()?.get('a')).toBe('1');
    });
  });
});

describe('onLabelsChanged (internal, for samplers that cache the current labels)', () => {
  test('fires synchronously on runWithLabels entry and exit and after setContextLabels', async () => {
    const seen: Array<Record<string, string>> = [];
    const off = onLabelsChanged(() => seen.push(currentLabels()?.toObject() ?? {}));
    try {
      runWithLabels(labels('a', '1'), () => seen.push({ inside: 'fn' }));
      await new Promise<void>((resolve) => setImmediate(() => {
        setContextLabels(withLabels(ROOT_CONTEXT, labels('b', '2')));
        resolve();
      }));
    } finally {
      off();
    }
    runWithLabels(labels('c', '3'), () => undefined);
    expect(seen).toEqual([{ a: '1' }, { inside: 'fn' }, {}, { b: '2' }]);
  });

  test('a listener that unsubscribes (or subscribes another) while being notified: the others of that round still run, once', () => {
    const calls: string[] = [];
    let offFirst = (): void => undefined;
    let offLate = (): void => undefined;
    offFirst = onLabelsChanged(() => {
      calls.push('first');
      offFirst();
      offLate = onLabelsChanged(() => calls.push('late'));
    });
    const offSecond = onLabelsChanged(() => calls.push('second'));
    try {
      runWithLabels(labels('a', '1'), () => calls.push('fn'));
    } finally {
      offFirst();
      offSecond();
      offLate();
    }
    // Entry: first (unsubscribes itself, subscribes late), second; exit: second, late.
    expect(calls).toEqual(['first', 'second', 'fn', 'second', 'late']);
  });

  test('a throwing listener does not break runWithLabels', () => {
    const off = onLabelsChanged(() => { throw new Error('listener bug'); });
    try {
      expect(runWithLabels(labels('a', '1'), () => currentLabels()?.get('a'))).toBe('1');
    } finally {
      off();
    }
  });
});

describe('argument checks', () => {
  test.each<[string, () => unknown, string]>([
    ['runWithLabels with a plain object', () => runWithLabels({ a: '1' } as never, () => 1), 'runWithLabels: set must be a LabelSet built with labels(k, v, ...)'],
    ['runWithLabels without fn', () => runWithLabels(labels('a', '1'), undefined as never), 'runWithLabels: fn must be a function'],
    ['setContextLabels with a non-context', () => setContextLabels({} as never), 'setContextLabels: ctx must be an OpenTelemetry Context'],
    ['setContextLabels with undefined', () => setContextLabels(undefined as never), 'setContextLabels: ctx must be an OpenTelemetry Context'],
  ])('%s throws PPROF_ERR_INVALID_ARG', (_what, call, message) => {
    expect(call).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message }));
    expect(currentLabels()).toBeUndefined();
  });
});
