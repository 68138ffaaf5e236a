/**
 * Sample contexts must not outlive their use: every `runWithLabels(labels(...))` makes a new
 * context, and a sampler that pinned them (e.g. a native holder's strong handle reachable from a
 * cache) would grow the heap without bound. Checked on both bridge modes (Node 20: global slot,
 * Node 24: AsyncContextFrame holders).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LabelSet, labels, runWithLabels } from '../../src';
import { enableLabelSampleContexts } from '../../src/profiles';
import { internedLabelContents } from '../../src/profiles/label-contexts';
import { openCpuWindow } from '../../src/sampler';
import { namedBurner } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const burn = namedBurner('burnRetention');

test('label sets entered while sampling are collected once nothing uses them', async () => {
  enableLabelSampleContexts();
  const window = openCpuWindow();
  const refs: Array<WeakRef<object>> = [];
  try {
    for (let i = 0; i < 50; i++) {
      // Built directly: `labels()` keeps up to 512 recent sets for reuse (bounded on purpose), and
      // this test is about what the sampler keeps.
      const set = new LabelSet([['request', `r${i}`]]);
      refs.push(new WeakRef(set));
      await runWithLabels(set, async () => {
        burn(2);
        await new Promise((r) => setImmediate(r));
      });
    }
    window.rotate(); // the samples of that window (and the contexts they carry) are gone
    // Native weak handles are released in GC callbacks: collect and let the loop turn, a bounded number of times.
    for (let attempt = 0; attempt < 30 && refs.some((r) => r.deref() !== undefined); attempt++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    const aliveAt = refs.flatMap((r, i) => (r.deref() !== undefined ? [i] : []));
    // A bounded few may stay (the newest is still the sampler's current context; one more has
    // been seen held by a cache); a leak keeps all 50.
    expect(aliveAt.length).toBeLessThanOrEqual(2);
  } finally {
    window.close();
  }
});

test('equal label sets made per call share one sample context', async () => {
  enableLabelSampleContexts();
  const window = openCpuWindow();
  try {
    const before = internedLabelContents();
    for (let i = 0; i < 200; i++) {
      // A new LabelSet per call, as request handlers do; only 4 distinct contents.
      await runWithLabels(labels('shard', `s${i % 4}`), async () => {
        await new Promise((r) => setImmediate(r));
      });
    }
    expect(internedLabelContents() - before).toBeLessThanOrEqual(4);
    const raw = window.rotate();
    const contexts = new Set([...raw.samples].map((x) => x.context).filter((c) => c !== undefined));
    expect(contexts.size).toBeLessThanOrEqual(4);
  } finally {
    window.close();
  }
});
