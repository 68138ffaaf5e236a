import { lookup } from '../../src/profiles';
import { blockProfileRate } from '../../src/sampler/loop-block';
import { setBlockProfileRate } from '../../src/profiles';
import { labels, runWithLabels } from '../../src/labels';
import { delta, decode, encode } from '../../src/pprof';
import { goPprofOn } from '../support/go-pprof';
import { heldFor } from '../support/held-clock';
import { collect, decodeSamples, sumFor } from './helpers';

const block = (): NonNullable<ReturnType<typeof lookup>> => {
  const p = lookup('block');
  if (!p) throw new Error('block profile missing');
  return p;
};

const DOC = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item-${i}`, tags: ['a', 'b'] })) });

/**
 * Holds the event loop for about `ms` milliseconds, scanning the document character by
 * character (no allocation, so garbage collection does not take a share of the stall).
 */
function slowParse(ms: number): number {
  const done = heldFor(ms);
  let depth = 0;
  let maxDepth = 0;
  while (!done()) {
    for (let i = 0; i < DOC.length; i++) {
      const c = DOC.charCodeAt(i);
      if (c === 123 || c === 91) maxDepth = Math.max(maxDepth, ++depth);
      else if (c === 125 || c === 93) depth--;
    }
  }
  return maxDepth;
}

/** Short synchronous work of about `ms` milliseconds. */
function fastWork(ms: number): number {
  const done = heldFor(ms);
  let n = 0;
  while (!done()) n++;
  return n;
}

/** Lets the loop turn (timers included) a few times. */
function turns(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

afterAll(() => setBlockProfileRate(0));

describe('block profile (event-loop stalls)', () => {
  it.each([[Number.NaN], [Infinity], ['10' as unknown as number]])('setBlockProfileRate rejects %p', (v) => {
    expect(() => setBlockProfileRate(v)).toThrow(expect.objectContaining({
      code: 'PPROF_ERR_INVALID_ARG', message: `setBlockProfileRate: rate must be a finite number of nanoseconds (got ${String(v)})`,
    }));
  });

  it('attributes three ~100 ms stalls to slowParse, and go tool pprof reads the profile', async () => {
    // 20 ms rather than the 10 ms default: on a loaded CI box a descheduled process looks
    // stalled too, and 20 ms keeps those rare while 100 ms stalls stay far above it. 100 ms
    // gives each stall about 10 CPU samples: at 50 ms (5 samples) a run beside another test
    // file once put 24 % of the delay on other stacks (the timer that calls slowParse, other
    // short stalls).
    setBlockProfileRate(20_000_000);
    expect(blockProfileRate()).toBe(20_000_000);
    // Warm-up outside the measured window: the first gzip starts libuv's threadpool, which on a
    // loaded box has been seen to hold the loop for a long time (a real stall, but not slowParse's).
    await collect(block(), 0);
    await turns(30);
    const beforeBytes = await collect(block(), 0);
    for (let i = 0; i < 3; i++) {
      // Fast code: short tasks between the stalls.
      for (let j = 0; j < 5; j++) {
        fastWork(0.2);
        await new Promise((r) => setImmediate(r));
      }
      await turns(12);
      // Called by the timers code rather than from here: V8 may inline a callee into this
      // async function, and the profile would then show this function instead of slowParse.
      setTimeout(slowParse, 0, 100);
      await turns(12);
    }
    const afterBytes = await collect(block(), 0);
    const { sampleTypes, samples } = decodeSamples(encode(delta(decode(beforeBytes), decode(afterBytes))));
    expect(sampleTypes).toEqual(['contentions/count', 'delay/nanoseconds']);
    if (process.env.DEBUG_BLOCK) for (const s of samples) process.stderr.write(`${s.values} ${s.stack.slice(0, 4).join(' < ')}\n`);
    // Garbage collection stalls the loop too (jest's own heap, other test files in this worker):
    // those stalls are real but not this code's, so the share is taken over JS-attributed delay.
    const total = samples.filter((s) => s.stack[0] !== '(garbage collector)').reduce((a, s) => a + s.values[1], 0);
    const slow = sumFor(samples, 'slowParse', 1);
    expect(slow).toBeGreaterThanOrEqual(0.8 * total);
    // At least two of the three stalls, whole (the acceptance allows one to be missed: plus or minus one).
    expect(slow).toBeGreaterThan(2 * 80e6);
    const stalls = sumFor(samples, 'slowParse', 0);
    expect(stalls).toBeGreaterThanOrEqual(2);
    expect(stalls).toBeLessThanOrEqual(4);

    const top = await goPprofOn(await collect(block(), 0), ['-top', '-cum', '-sample_index=delay']);
    expect(top).toMatch(/slowParse/);
    const text = (await collect(block(), 1)).toString();
    expect(text).toMatch(/^--- contention:\ncycles\/second=1000000000\n\d+ \d+ @ 0x/);
    const topText = await goPprofOn(text, ['-top']);
    expect(topText).toMatch(/Type: delay/);
  });

  it('records nothing for stalls under the threshold', async () => {
    setBlockProfileRate(20_000_000);
    await turns(30);
    const beforeBytes = await collect(block(), 0);
    for (let i = 0; i < 10; i++) {
      setTimeout(fastWork, 0, 5);
      await turns(12);
    }
    for (let i = 0; i < 2; i++) {
      setTimeout(fastWork, 0, 100);
      await turns(12);
    }
    const { samples } = decodeSamples(encode(delta(decode(beforeBytes), decode(await collect(block(), 0)))));
    const contentions = sumFor(samples, 'fastWork', 0);
    // CI once counted 1 here (Node 24, not reproduced in 24 runs beside busy processes): say what the records were.
    if (contentions < 2 || contentions > 4) {
      throw new Error(`${contentions} contentions on fastWork, expected 2-4; records:\n${samples.map((s) => `${s.values.join(' ')} ${s.stack.slice(0, 8).join(' < ')}`).join('\n')}`);
    }
    // The two 100 ms stalls count; the ten 5 ms ones do not (a CPU-starved box may stretch a
    // couple of them past 20 ms: the loop really did not run then). The long ones are five times
    // the threshold: a stall is measured from its first CPU sample, which a starved profiler
    // thread can take late (at 60 ms, one of the two once came out under 20 ms on CI).
    expect(contentions).toBeGreaterThanOrEqual(2);
    expect(contentions).toBeLessThanOrEqual(4);
  });

  it('keeps the labels of the blocking code', async () => {
    setBlockProfileRate(20_000_000);
    await turns(30);
    const before = decode(await collect(block(), 0));
    runWithLabels(labels('op', 'import-batch'), () => setTimeout(slowParse, 0, 50));
    await turns(12);
    const after = decode(await collect(block(), 0));
    const { samples } = decodeSamples(encode(delta(before, after)));
    const slow = samples.filter((s) => s.stack.includes('slowParse'));
    expect(slow.length).toBeGreaterThan(0);
    const labelled = slow.filter((s) => s.labels.op === 'import-batch').reduce((a, s) => a + s.values[1], 0);
    expect(labelled).toBeGreaterThanOrEqual(0.8 * slow.reduce((a, s) => a + s.values[1], 0));
  });

  it('count() includes a stall the sampler has not handed over yet (as the snapshot does)', async () => {
    setBlockProfileRate(20_000_000);
    await turns(30);
    const before = (await block().snapshot()).samples.length;
    // A stack no earlier test used, so the stall adds a record.
    const stallHere = (ms: number): number => fastWork(ms);
    setTimeout(stallHere, 0, 60);
    await turns(12);
    const counted = block().count();
    expect(counted).toBe((await block().snapshot()).samples.length);
    expect(counted).toBeGreaterThan(before);
  });

  it('records nothing while off', async () => {
    setBlockProfileRate(0);
    expect(blockProfileRate()).toBe(0);
    const before = decode(await collect(block(), 0));
    slowParse(40);
    await turns(15);
    const after = decode(await collect(block(), 0));
    expect(delta(before, after).samples.length).toBe(0);
  });
});
