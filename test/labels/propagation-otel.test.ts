/**
 * Labels with @opentelemetry/context-async-hooks' AsyncLocalStorageContextManager registered
 * globally: labels travel in the OTel Context exactly like the active span.
 */
import { EventEmitter } from 'node:events';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { currentLabels, label, labels, labelsOf, runWithLabels, setContextLabels, withLabels } from '../../src/labels';
import { now, propagationCases } from './propagation-cases';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeAll(() => {
  expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())).toBe(true);
});
afterAll(() => {
  context.disable();
});

describe('label propagation with AsyncLocalStorageContextManager registered', () => {
  test.each(propagationCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expect(c.run()).resolves.toEqual(c.expected);
  });

  test('context.active() inside runWithLabels carries the labels, across await', async () => {
    await runWithLabels(labels('a', '1'), async () => {
      expect(label(context.active(), 'a')).toBe('1');
      await tick();
      expect(label(context.active(), 'a')).toBe('1');
    });
    expect(labelsOf(context.active())).toBeUndefined();
  });

  test('runWithLabels keeps the other values of the active context (e.g. the span)', () => {
    const key = createContextKey('test.span');
    context.with(ROOT_CONTEXT.setValue(key, 'span-1'), () => {
      runWithLabels(labels('a', '1'), (ctx) => {
        expect(ctx.getValue(key)).toBe('span-1');
        expect(context.active()).toBe(ctx);
      });
    });
  });

  test('labels entered with plain context.with(withLabels(...)) are current labels too', async () => {
    const ctx = withLabels(context.active(), labels('route', '/x'));
    await context.with(ctx, async () => {
      await tick();
      expect(now()).toEqual({ route: '/x' });
      expect(currentLabels()).toBe(labelsOf(ctx));
    });
  });

  test('context.with(withLabels(...)) inside runWithLabels: the newer labels win on shared keys', () => {
    runWithLabels(labels('a', '1', 'b', '1'), () => {
      context.with(withLabels(context.active(), labels('b', '2')), () => {
        expect(now()).toEqual({ a: '1', b: '2' });
      });
    });
  });

  test('setContextLabels survives a later context.with on a derived context (e.g. a span started by instrumentation)', async () => {
    const key = createContextKey('test.span');
    const seen = await new Promise((resolve) => setImmediate(() => {
      setContextLabels(withLabels(ROOT_CONTEXT, labels('tenant', 't1')));
      context.with(context.active().setValue(key, 'span'), () => setTimeout(() => resolve(now()), 1));
    }));
    expect(seen).toEqual({ tenant: 't1' });
  });

  test('an emitter bound with context.bind runs listeners with the labels of the bind-time context', async () => {
    const em = new EventEmitter();
    let seen: unknown;
    runWithLabels(labels('a', '1'), () => {
      context.bind(context.active(), em);
      em.on('x', () => { seen = now(); });
    });
    await tick();
    em.emit('x');
    expect(seen).toEqual({ a: '1' });
  });
});
