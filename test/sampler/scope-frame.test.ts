/**
 * AsyncContextFrame runtimes (Node 24+ by default): a label scope (`runWithLabels`,
 * `setContextLabels`) enters one new frame that holds both otelprof's label store and the native
 * sampler's sample-context slot, and `runWithLabels` puts the caller's frame back as it was, where
 * `AsyncLocalStorage.run` for each store copied the frame twice per store. Elsewhere (Node 20) the
 * frames are absent and the stores' own `run` is used.
 *
 * Expected support is derived from the Node version and flags here, not from the code under test.
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { asyncFrames, type AsyncFrame } from '../../src/async-frame';
import { currentLabels, labels, onScopeFrame, runWithLabels, setContextLabels, withLabels } from '../../src/labels';
import { enableLabelSampleContexts } from '../../src/profiles';
import { openCpuWindow, sampleContextLabels, type CpuWindow } from '../../src/sampler';
import { useGlobalContextManager } from './helpers';

const major = Number(process.versions.node.split('.')[0]);
const acfDisabled = /--no-async-context-frame/.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`);
const framesExpected = major >= 24 && !acfDisabled;

/** The frame current now, as Node records it on a new AsyncResource (undefined without frames). */
function frameNow(): unknown {
  const r = new AsyncResource('test.frameNow');
  const sym = Object.getOwnPropertySymbols(r).find((s) => s.description === 'context_frame');
  return sym === undefined ? undefined : (r as unknown as Record<symbol, unknown>)[sym];
}

/** The sampler's slot in `frame`: the entry whose value is a native holder of a sample context. */
function samplerSlot(frame: AsyncFrame): [object, { 0: unknown }] | undefined {
  for (const [k, v] of frame) {
    if (typeof v === 'object' && v !== null && typeof (v as { 0?: { parts?: unknown } })[0]?.parts === 'object') return [k, v as { 0: unknown }];
  }
  return undefined;
}

const labelsIn = (holder: { 0: unknown } | undefined): Record<string, string> =>
  Object.fromEntries(sampleContextLabels(holder?.[0]).map((l) => [l.key, l.str ?? '']));

test(`frames are ${framesExpected ? '' : 'not '}found on Node ${process.versions.node}, and looking leaves the current frame as it was`, () => {
  const before = frameNow();
  const frames = asyncFrames();
  expect(frames !== undefined).toBe(framesExpected);
  // The probe enters stores of its own: no entry of theirs may stay in the frame (every later
  // copy would carry it).
  expect(frameNow()).toBe(before);
});

// Node 20 has no frames (the test above checks that); CI runs this file on Node 24 and 26 too.
if (framesExpected) describe.each([
  ['without a context manager', false],
  ['with AsyncLocalStorageContextManager', true],
])('on AsyncContextFrame runtimes, %s', (_name, withManager) => {
  useGlobalContextManager(withManager);
  let window: CpuWindow;
  beforeAll(() => {
    enableLabelSampleContexts();
    window = openCpuWindow({ backend: 'native', hz: 100 });
  });
  afterAll(() => window.close());

  test('runWithLabels enters one frame that already holds the sampler\'s slot for its labels', () => {
    const written: AsyncFrame[] = [];
    const off = onScopeFrame((frame) => written.push(frame));
    let inside: AsyncFrame | undefined;
    try {
      runWithLabels(labels('route', '/frame'), (ctx) => {
        inside = asyncFrames()?.current();
        expect(context.active()).toBe(withManager ? ctx : ROOT_CONTEXT);
      });
    } finally {
      off();
    }
    expect(written).toHaveLength(1);
    const slot = samplerSlot(written[0]);
    expect(labelsIn(slot?.[1])).toEqual({ route: '/frame' });
    // With a manager too: the frame holds the manager's context, so its `run` copies nothing.
    expect(inside).toBe(written[0]);
  });

  test('the caller\'s frame comes back as it was: a store entered inside fn stays inside', () => {
    const other = new AsyncLocalStorage<string>();
    other.run('outer', () => {
      const before = frameNow();
      runWithLabels(labels('k', 'v'), () => {
        other.enterWith('inner');
        expect(other.getStore()).toBe('inner');
      });
      expect(other.getStore()).toBe('outer');
      expect(frameNow()).toBe(before);
      expect(currentLabels()).toBeUndefined();
    });
  });

  test('setContextLabels enters one frame with the labels and the sampler\'s slot', async () => {
    const written: AsyncFrame[] = [];
    const off = onScopeFrame((frame) => written.push(frame));
    let after: unknown;
    try {
      await new Promise<void>((resolve) => setImmediate(() => {
        setContextLabels(withLabels(ROOT_CONTEXT, labels('job', 'j1')));
        after = asyncFrames()?.current();
        resolve();
      }));
    } finally {
      off();
    }
    expect(written).toHaveLength(1);
    // The sampler's refresh found its holder in place and entered no frame of its own.
    expect(after).toBe(written[0]);
    expect(labelsIn(samplerSlot(written[0])?.[1])).toEqual({ job: 'j1' });
  });

  test('a writer that throws is skipped: fn still runs with its labels and the sampler\'s slot', () => {
    const off = onScopeFrame(() => {
      throw new Error('writer failed');
    });
    try {
      const seen = runWithLabels(labels('w', '1'), () => {
        const frame = asyncFrames()?.current() as AsyncFrame;
        return { labels: currentLabels()?.toObject(), slot: labelsIn(samplerSlot(frame)?.[1]) };
      });
      expect(seen).toEqual({ labels: { w: '1' }, slot: { w: '1' } });
    } finally {
      off();
    }
  });

  test('a scope\'s context entered again later, outside the scope, brings its labels to the sampler\'s slot', () => {
    const slotNow = (): Record<string, string> => {
      const frame = asyncFrames()?.current();
      return frame === undefined ? {} : labelsIn(samplerSlot(frame)?.[1]);
    };
    const captured = runWithLabels(labels('later', 'yes'), (ctx) => ctx);
    // The no-op manager enters nothing: the labels come back only through a real one.
    expect(context.with(captured, slotNow)).toEqual(withManager ? { later: 'yes' } : {});
  });

  test('nested scopes and a context.with inside keep each scope\'s slot', async () => {
    const seen: Array<Record<string, string>> = [];
    const slotNow = (): Record<string, string> => labelsIn(samplerSlot(asyncFrames()?.current() as AsyncFrame)?.[1]);
    await runWithLabels(labels('a', '1'), async () => {
      seen.push(slotNow());
      await runWithLabels(labels('b', '2'), async () => {
        await new Promise((r) => setImmediate(r));
        seen.push(slotNow());
      });
      seen.push(slotNow());
      context.with(withLabels(context.active(), labels('c', '3')), () => seen.push(slotNow()));
      seen.push(slotNow());
    });
    expect(seen).toEqual([{ a: '1' }, { a: '1', b: '2' }, { a: '1' }, ...(withManager ? [{ a: '1', c: '3' }] : [{ a: '1' }]), { a: '1' }]);
  });
});
