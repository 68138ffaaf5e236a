import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { EventEmitter } from 'node:events';
import { profilingContextManager } from '../../src';
import { isProfilingContextManager } from '../../src/otel';
import { addContextSwitchListener, hasContextSwitchListeners } from '../../src/otel';
import { label, labels, runWithLabels } from '../../src/labels';

const KEY = createContextKey('test.name');
const named = (name: string): Context => ROOT_CONTEXT.setValue(KEY, name);
const nameOf = (ctx: Context): string => String(ctx.getValue(KEY) ?? 'root');

function recorder() {
  const events: string[] = [];
  const off = addContextSwitchListener({
    enter: (ctx) => events.push(`enter ${nameOf(ctx)}`),
    exit: (ctx) => events.push(`exit ${nameOf(ctx)}`),
  });
  return { events, off };
}

describe('profilingContextManager()', () => {
  const cm = profilingContextManager(new AsyncLocalStorageContextManager()).enable();
  afterAll(() => cm.disable());

  it('tells listeners the entered context before fn runs and the restored one after, nested', () => {
    const { events, off } = recorder();
    try {
      cm.with(named('a'), () => {
        events.push(`run ${nameOf(cm.active())}`);
        cm.with(named('b'), () => events.push(`run ${nameOf(cm.active())}`));
      });
    } finally {
      off();
    }
    expect(events).toEqual(['enter a', 'run a', 'enter b', 'run b', 'exit a', 'exit root']);
  });

  it('passes thisArg and arguments and returns the result, with and without listeners', () => {
    const self = { k: 2 };
    const f = function (this: typeof self, x: number, y: number) {
      return this.k * x + y;
    };
    expect(cm.with(named('x'), f, self, 3, 4)).toBe(10);
    const { off } = recorder();
    try {
      expect(cm.with(named('x'), f, self, 3, 4)).toBe(10);
    } finally {
      off();
    }
    expect(hasContextSwitchListeners()).toBe(false);
  });

  it('notifies for bound functions and bound event emitters too', () => {
    const { events, off } = recorder();
    try {
      const fn = cm.bind(named('bound'), () => events.push(`run ${nameOf(cm.active())}`));
      fn();
      const em = cm.bind(named('emitter'), new EventEmitter());
      em.on('ev', () => events.push(`run ${nameOf(cm.active())}`));
      em.emit('ev');
    } finally {
      off();
    }
    expect(events).toEqual(['enter bound', 'run bound', 'exit root', 'enter emitter', 'run emitter', 'exit root']);
  });

  it('still exits when fn throws; a throwing listener never breaks with()', () => {
    const { events, off } = recorder();
    const offBad = addContextSwitchListener({
      enter: () => {
        throw new Error('listener bug');
      },
    });
    try {
      expect(() => cm.with(named('t'), () => {
        throw new Error('from fn');
      })).toThrow('from fn');
      expect(cm.with(named('t'), () => 7)).toBe(7);
    } finally {
      off();
      offBad();
    }
    expect(events).toEqual(['enter t', 'exit root', 'enter t', 'exit root']);
  });

  it('follows await: the entered context stays active in continuations', async () => {
    const seen: string[] = [];
    await cm.with(named('async'), async () => {
      await new Promise((r) => setImmediate(r));
      seen.push(nameOf(cm.active()));
    });
    expect(seen).toEqual(['async']);
  });

  it('instruments in place, once: the same object comes back and notifies once', () => {
    const inner = new AsyncLocalStorageContextManager();
    expect(isProfilingContextManager(inner)).toBe(false);
    const a = profilingContextManager(inner);
    const b = profilingContextManager(a);
    expect(a).toBe(inner);
    expect(b).toBe(inner);
    expect(isProfilingContextManager(inner)).toBe(true);
    const { events, off } = recorder();
    try {
      b.with(named('once'), () => a.active());
    } finally {
      off();
    }
    expect(events).toEqual(['enter once', 'exit root']);
  });

  it('defaults to a new AsyncLocalStorageContextManager', () => {
    const cm2 = profilingContextManager();
    expect(cm2).toBeInstanceOf(AsyncLocalStorageContextManager);
    expect(isProfilingContextManager(cm2)).toBe(true);
  });

  it('a later wrapper of with() (such as the sampler bridge) still sees bound calls', () => {
    const inner = profilingContextManager(new AsyncLocalStorageContextManager());
    const seen: string[] = [];
    const mine = inner.with as (...a: unknown[]) => unknown;
    (inner as { with: unknown }).with = function (this: typeof inner, ctx: Context, ...rest: unknown[]) {
      seen.push(`outer ${nameOf(ctx)}`);
      return mine.call(this, ctx, ...rest);
    };
    const { events, off } = recorder();
    try {
      inner.bind(named('b'), () => undefined)();
    } finally {
      off();
    }
    expect(seen).toEqual(['outer b']);
    expect(events).toEqual(['enter b', 'exit root']);
  });

  it('forwards attach() when the inner manager has it and notifies enter/exit', () => {
    const hasAttach = typeof (AsyncLocalStorageContextManager.prototype as { attach?: unknown }).attach === 'function';
    const pcm = profilingContextManager(new AsyncLocalStorageContextManager()) as AsyncLocalStorageContextManager & {
      attach?: (c: Context) => { dispose(): void };
    };
    expect(typeof pcm.attach === 'function').toBe(hasAttach);
    if (typeof pcm.attach !== 'function') return; // API < 1.10: nothing to forward (checked above)
    const { events, off } = recorder();
    try {
      pcm.with(named('outer'), () => {
        const token = (pcm.attach as (c: Context) => { dispose(): void })(named('attached'));
        events.push(`run ${nameOf(pcm.active())}`);
        token.dispose();
        events.push(`run ${nameOf(pcm.active())}`);
      });
    } finally {
      off();
    }
    expect(events).toEqual(['enter outer', 'enter attached', 'run attached', 'exit outer', 'run outer', 'exit root']);
  });

  it('runWithLabels under it (registered): enter is the labelled context, exit the caller\'s', () => {
    // On Node 24+ runWithLabels enters its own async frame, with the manager's context already in
    // it, and puts the caller's frame back only after `with` returns.
    const pcm = profilingContextManager(new AsyncLocalStorageContextManager());
    context.setGlobalContextManager(pcm);
    const events: string[] = [];
    const show = (ctx: Context): string => `${nameOf(ctx)} ${label(ctx, 'k') ?? '-'}`;
    const off = addContextSwitchListener({ enter: (ctx) => events.push(`enter ${show(ctx)}`), exit: (ctx) => events.push(`exit ${show(ctx)}`) });
    try {
      context.with(named('outer'), () => {
        runWithLabels(labels('k', 'v'), (ctx) => events.push(`run ${show(pcm.active())} ${ctx === pcm.active()}`));
        events.push(`after ${show(pcm.active())}`);
      });
    } finally {
      off();
      context.disable();
    }
    expect(events).toEqual(['enter outer -', 'enter outer v', 'run outer v true', 'exit outer -', 'after outer -', 'exit root -']);
  });
});
