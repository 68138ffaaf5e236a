import { performance } from 'node:perf_hooks';
import { lookup } from '../../src/profiles';
import { blockProfileRate } from '../../src/sampler/loop-block';
import { setBlockProfileRate } from '../../src/profiles';
import { labels, runWithLabels } from '../../src/labels';
import { delta, decode, encode } from '../../src/pprof';
import { goPprofOn } from '../support/go-pprof';
import { collect, decodeSamples, sumFor } from './helpers';

const block = (): NonNullable<ReturnType<typeof lookup>> => {
  const p = lookup('block');
  if (!p) throw new Error('block profile missing');
  return p;
};

const DOC = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item-${i}`, tags: ['a', 'b'] })) });

/**
 * Holds the event loop for about `ms` milliseconds, scanning the document character by character
 * (no allocation, so garbage collection does not take a share of the stall).
 */
function slowParse(ms: number): number {
  const end = performance.now() + ms;
  let depth = 0;
  let maxDepth = 0;
  while (performance.now() < end) {
    for (let i = 0; i < DOC.length; i++) {
      const c = DOC.charCodeAt(i);
      if (c === 123 || c === 91) maxDepth = Math.max(maxDepth, ++depth);
      else if (c === 125 || c === 93) depth--;
    }
  }
  return maxDepth;
}

/** Short synchronous work, well under the threshold. */
function fastWork(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
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

  it('attributes three ~50 ms stalls to slowParse and ignores short ones', async () => {
    // 20 ms rather than the 10 ms default: on a loaded CI box a descheduled process looks
    // stalled too, and 20 ms keeps those rare while 50 ms stalls stay far above it.
    setBlockProfileRate(20_000_000);
    expect(blockProfileRate()).toBe(20_000_000);
    await turns(30);
    const before = decode(await collect(block(), 0));
    for (let i = 0; i < 3; i++) {
      // Fast code: short tasks, and sub-threshold stalls of 5 ms.
      for (let j = 0; j < 4; j++) {
        fastWork(0.2);
        await new Promise((r) => setImmediate(r));
        fastWork(5);
        await turns(12);
      }
      slowParse(50);
      await turns(12);
    }
    const after = decode(await collect(block(), 0));
    const d = delta(before, after);
    const { sampleTypes, samples } = decodeSamples(encode(d));
    expect(sampleTypes).toEqual(['contentions/count', 'delay/nanoseconds']);
    // Garbage collection stalls the loop too (jest's own heap, other test files in this worker):
    // those stalls are real but not this code's, so the share is taken over JS-attributed delay.
    const total = samples.filter((s) => s.stack[0] !== '(garbage collector)').reduce((a, s) => a + s.values[1], 0);
    const slow = sumFor(samples, "slowParse", 1);
    if (process.env.DEBUG_BLOCK) for (const s of samples) process.stderr.write(`${s.values} ${s.stack.slice(0, 4).join(" < ")}\n`);
    expect(slow).toBeGreaterThanOrEqual(0.8 * total);
    expect(slow).toBeGreaterThan(3 * 40e6);
    const stalls = sumFor(samples, 'slowParse', 0);
    expect(stalls).toBeGreaterThanOrEqual(2);
    expect(stalls).toBeLessThanOrEqual(4);
    // 12 sub-threshold stalls: none should count (one is tolerated for CPU starvation on a loaded box).
    expect(sumFor(samples, 'fastWork', 0)).toBeLessThanOrEqual(1);

    const top = await goPprofOn(await collect(block(), 0), ['-top', '-cum', '-sample_index=delay']);
    expect(top).toMatch(/slowParse/);
    const text = (await collect(block(), 1)).toString();
    expect(text).toMatch(/^--- contention:\ncycles\/second=1000000000\n\d+ \d+ @ 0x/);
    const topText = await goPprofOn(text, ['-top']);
    expect(topText).toMatch(/Type: delay/);
  });

  it('keeps the labels of the blocking code', async () => {
    setBlockProfileRate(20_000_000);
    await turns(30);
    const before = decode(await collect(block(), 0));
    runWithLabels(labels('op', 'import-batch'), () => slowParse(50));
    await turns(12);
    const after = decode(await collect(block(), 0));
    const { samples } = decodeSamples(encode(delta(before, after)));
    const slow = samples.filter((s) => s.stack.includes('slowParse'));
    expect(slow.length).toBeGreaterThan(0);
    const labelled = slow.filter((s) => s.labels.op === 'import-batch').reduce((a, s) => a + s.values[1], 0);
    expect(labelled).toBeGreaterThanOrEqual(0.8 * slow.reduce((a, s) => a + s.values[1], 0));
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
