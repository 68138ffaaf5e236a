/**
 * Samples carry the labels of the code that runs when they are taken, also where the bridge
 * (not an async boundary) must put the caller's labels back, on every bridge mode (Node 20:
 * global slot, Node 24: AsyncContextFrame; inspector: transition log):
 *  - labels changed in place (`setContextLabels`, Go's SetGoroutineLabels) inside a
 *    `context.with` callback stay the labels of the running code after it returns;
 *  - a callback bound to labelled code and called synchronously from other code
 *    (`AsyncResource.bind`, as undici and pooled clients do) lends its labels only while it runs.
 */
import { AsyncResource } from 'node:async_hooks';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { currentLabels, labels, runWithLabels, setContextLabels, withLabels } from '../../src/labels';
import { enableLabelSampleContexts } from '../../src/profiles';
import { openCpuWindow, sampleContextLabels, type RawCpuWindow } from '../../src/sampler';
import { namedBurner, useGlobalContextManager } from './helpers';

/** Samples whose leaf is `fn`, and how many of them carry label `key` = `value`. */
function tagged(raw: RawCpuWindow, fn: string, key: string, value: string): { total: number; own: number } {
  const mine = [...raw.samples].filter((s) => s.stack[0]?.functionName === fn);
  const own = mine.filter((s) => sampleContextLabels(s.context).some((l) => l.key === key && l.str === value));
  return { total: mine.length, own: own.length };
}

/** At least `minSamples` samples have leaf `fn`, and over 90 % of them carry `key` = `value`. */
function expectMostlyTagged(raw: RawCpuWindow, fn: string, key: string, value: string, minSamples: number): void {
  const t = tagged(raw, fn, key, value);
  expect(t.total).toBeGreaterThanOrEqual(minSamples);
  expect(t.own / t.total).toBeGreaterThan(0.9);
}

describe.each([['without a context manager', false], ['with AsyncLocalStorageContextManager', true]])('%s', (_name, withManager) => {
  beforeAll(() => enableLabelSampleContexts());
  useGlobalContextManager(withManager);

  test.each(['native', 'inspector'] as const)('%s backend: setContextLabels inside context.with still tags the samples after it returns', async (backend) => {
    const burn = namedBurner('burnAfterWith');
    const window = openCpuWindow({ backend, hz: 500 });
    let seen: Record<string, string> | undefined;
    let raw: RawCpuWindow;
    try {
      await new Promise<void>((resolve) => setImmediate(() => {
        // A callback run in another context (e.g. an instrumentation's span scope) sets the labels.
        context.with(withLabels(ROOT_CONTEXT, labels('scope', 'inner')), () => {
          setContextLabels(withLabels(ROOT_CONTEXT, labels('job', 'j1')));
        });
        seen = currentLabels()?.toObject();
        burn(150);
        resolve();
      }));
    } finally {
      raw = window.close();
    }
    expect(seen).toEqual({ job: 'j1' });
    expectMostlyTagged(raw, 'burnAfterWith', 'job', 'j1', 10);
  });

  test.each(['native', 'inspector'] as const)('%s backend: a bound labelled callback called from unlabelled code leaves no labels on the caller\'s samples', async (backend) => {
    const burnIn = namedBurner('burnInBound');
    const burnAfter = namedBurner('burnAfterBound');
    const window = openCpuWindow({ backend, hz: 500 });
    let seen: Record<string, string> | undefined;
    let raw: RawCpuWindow;
    try {
      const bound = runWithLabels(labels('req', 'r1'), () => AsyncResource.bind(() => burnIn(100)));
      await new Promise<void>((resolve) => setImmediate(() => {
        bound();
        seen = currentLabels()?.toObject();
        burnAfter(150);
        resolve();
      }));
    } finally {
      raw = window.close();
    }
    expect(seen).toBeUndefined();
    const after = tagged(raw, 'burnAfterBound', 'req', 'r1');
    expect(after.total).toBeGreaterThanOrEqual(10);
    expect(after.own).toBe(0);
    // The bound callback itself keeps its labels (on Node 24+ the inspector backend's hook runs
    // before AsyncResource switches the AsyncContextFrame, so it reads the resource's frame).
    expectMostlyTagged(raw, 'burnInBound', 'req', 'r1', 5);
  });

  test.each(['native', 'inspector'] as const)('%s backend: an AsyncResource made in labelled code lends its labels to runInAsyncScope, nested and repeated', async (backend) => {
    const burnOuter = namedBurner('burnResOuter');
    const burnInner = namedBurner('burnResInner');
    const burnBack = namedBurner('burnResBack');
    const window = openCpuWindow({ backend, hz: 500 });
    let raw: RawCpuWindow;
    const seen: Array<Record<string, string> | undefined> = [];
    try {
      const outer = runWithLabels(labels('res', 'outer'), () => new AsyncResource('otelprof.test'));
      const inner = runWithLabels(labels('res', 'inner'), () => new AsyncResource('otelprof.test'));
      await new Promise<void>((resolve) => setImmediate(() => {
        runWithLabels(labels('res', 'caller'), () => {
          for (let i = 0; i < 2; i++) {
            outer.runInAsyncScope(() => {
              burnOuter(40);
              inner.runInAsyncScope(() => { seen.push(currentLabels()?.toObject()); burnInner(40); });
              seen.push(currentLabels()?.toObject());
            });
            seen.push(currentLabels()?.toObject());
            burnBack(40);
          }
        });
        resolve();
      }));
    } finally {
      raw = window.close();
    }
    expect(seen).toEqual([{ res: 'inner' }, { res: 'outer' }, { res: 'caller' }, { res: 'inner' }, { res: 'outer' }, { res: 'caller' }]);
    for (const [fn, value] of [['burnResOuter', 'outer'], ['burnResInner', 'inner'], ['burnResBack', 'caller']] as const) {
      expectMostlyTagged(raw, fn, 'res', value, 10);
    }
  });
});
