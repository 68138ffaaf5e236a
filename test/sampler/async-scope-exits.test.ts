/**
 * `runInAsyncScope` returns are where a callback hands back to code of another async context: the
 * bridge puts the caller's sample context back there (see src/sampler/async-scope-exits.ts).
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { labels, runWithLabels } from '../../src/labels';
import { enableLabelSampleContexts } from '../../src/profiles';
import { sampleContextLabels } from '../../src/sampler';
import { watchAsyncScopes, type AsyncScopeWatcher } from '../../src/sampler/async-scope-exits';
import { ContextBridge } from '../../src/sampler/context-bridge';
import type { TransitionLog } from '../../src/sampler/transition-log';

/** A watcher that records what it is told, in order. */
function recorder(name: string, events: string[]): AsyncScopeWatcher {
  let n = 0;
  return {
    scopeEntering: () => {
      const token = `${name}${++n}`;
      events.push(`enter ${token}`);
      return token;
    },
    scopeExited: (token) => {
      events.push(`exit ${String(token)}`);
    },
  };
}

describe('watchAsyncScopes', () => {
  it('tells a watcher about each call, nested ones inside out, and stops when unwatched', () => {
    const events: string[] = [];
    const unwatch = watchAsyncScopes(recorder('a', events));
    const outer = new AsyncResource('otelprof.test');
    const inner = new AsyncResource('otelprof.test');
    try {
      outer.runInAsyncScope(() => {
        events.push('outer body');
        inner.runInAsyncScope(() => events.push('inner body'));
      });
    } finally {
      unwatch();
    }
    outer.runInAsyncScope(() => events.push('unwatched body'));
    expect(events).toEqual(['enter a1', 'outer body', 'enter a2', 'inner body', 'exit a2', 'exit a1', 'unwatched body']);
  });

  it('keeps runInAsyncScope\'s behaviour: this, arguments, return value, thrown errors, the async context, length', () => {
    const events: string[] = [];
    const unwatch = watchAsyncScopes(recorder('a', events));
    try {
      const store = new AsyncLocalStorage<string>();
      const r = store.run('made', () => new AsyncResource('otelprof.test'));
      const self = { tag: 'self' };
      const out = store.run('caller', () => r.runInAsyncScope(function (this: typeof self, x: number, y: number) {
        return `${this.tag} ${x + y} ${store.getStore()}`;
      }, self, 2, 3));
      expect(out).toBe('self 5 made');
      expect(() => r.runInAsyncScope(() => { throw new RangeError('boom'); })).toThrow(RangeError);
      // The throw still reached the watcher's exit.
      expect(events).toEqual(['enter a1', 'exit a1', 'enter a2', 'exit a2']);
      expect(AsyncResource.prototype.runInAsyncScope.length).toBe(2);
      expect(Object.keys(AsyncResource.prototype)).not.toContain('runInAsyncScope');
    } finally {
      unwatch();
    }
  });

  it('wraps once however often watchers come and go; several watchers are all told, exits in reverse', () => {
    const first = watchAsyncScopes(recorder('x', []));
    const wrapper = AsyncResource.prototype.runInAsyncScope;
    first();
    for (let i = 0; i < 50; i++) watchAsyncScopes(recorder('y', []))();
    expect(AsyncResource.prototype.runInAsyncScope).toBe(wrapper);
    const events: string[] = [];
    const a = watchAsyncScopes(recorder('a', events));
    const b = watchAsyncScopes(recorder('b', events));
    try {
      AsyncResource.bind(() => events.push('body'))();
    } finally {
      a();
      b();
    }
    expect(events).toEqual(['enter a1', 'enter b1', 'body', 'exit b1', 'exit a1']);
  });

  it('a watcher that leaves during a call is still told that call returned', () => {
    const events: string[] = [];
    const unwatch = watchAsyncScopes(recorder('a', events));
    new AsyncResource('otelprof.test').runInAsyncScope(() => unwatch());
    expect(events).toEqual(['enter a1', 'exit a1']);
  });
});

describe('the context bridge at runInAsyncScope returns', () => {
  beforeAll(() => enableLabelSampleContexts());

  /** The sample context the bridge's transition log holds last. */
  const lastLogged = (bridge: ContextBridge): object | undefined => (bridge.log as TransitionLog).attribute([Number.MAX_SAFE_INTEGER])[0];

  it('puts the caller\'s sample context back when the callback returns', () => {
    const bridge = new ContextBridge('log', {});
    bridge.install();
    try {
      const r = runWithLabels(labels('res', 'made'), () => new AsyncResource('otelprof.test'));
      runWithLabels(labels('res', 'caller'), () => {
        let inside: object | undefined;
        r.runInAsyncScope(() => { inside = lastLogged(bridge); });
        expect(sampleContextLabels(inside)).toEqual([{ key: 'res', str: 'made' }]);
        expect(sampleContextLabels(lastLogged(bridge))).toEqual([{ key: 'res', str: 'caller' }]);
      });
    } finally {
      bridge.uninstall();
    }
  });

  it('writes nothing once uninstalled inside a runInAsyncScope or a label scope that then returns', () => {
    const bridge = new ContextBridge('log', {});
    bridge.install();
    const r = runWithLabels(labels('res', 'made'), () => new AsyncResource('otelprof.test'));
    const seen: Array<object | undefined> = [];
    runWithLabels(labels('res', 'caller'), () => {
      r.runInAsyncScope(() => bridge.uninstall());
      seen.push(lastLogged(bridge));
      bridge.install();
      runWithLabels(labels('res', 'inner'), () => bridge.uninstall());
      seen.push(lastLogged(bridge));
    });
    expect(seen).toEqual([undefined, undefined]);
  });
});
