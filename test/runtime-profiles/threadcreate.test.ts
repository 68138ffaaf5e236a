import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { lookup } from '../../src/profiles';
import { goPprofOn } from '../support/go-pprof';
import { collect, decodeSamples, sumFor } from './helpers';

function spawn(): Worker {
  return new Worker('0', { eval: true });
}

function createFromSiteA(n: number): Worker[] {
  return Array.from({ length: n }, () => new Worker('0', { eval: true }));
}

function createFromSiteB(n: number): Worker[] {
  const out: Worker[] = [];
  for (let i = 0; i < n; i++) out.push(spawn());
  return out;
}

describe('threadcreate profile (worker threads)', () => {
  it('records each new Worker with the stack that created it', async () => {
    const p = lookup('threadcreate');
    if (!p) throw new Error('threadcreate profile missing');
    const before = p.count();
    const workers = [...createFromSiteA(3), ...createFromSiteB(2)];
    // Recorded synchronously in the constructor: no need to wait for the threads.
    expect(p.count()).toBe(before + 5);
    await Promise.all(workers.map((w) => once(w, 'exit')));

    const { sampleTypes, samples } = decodeSamples(await collect(p, 0));
    expect(sampleTypes).toEqual(['threadcreate/count']);
    expect(sumFor(samples, 'createFromSiteA')).toBe(3);
    expect(sumFor(samples, 'createFromSiteB')).toBe(2);
    // Site B's leaf is the helper it calls, site A's is its own arrow function: two stacks.
    expect(samples.find((s) => s.stack.includes('createFromSiteB'))?.stack[0]).toBe('spawn');

    const text = (await collect(p, 1)).toString();
    expect(text).toMatch(new RegExp(`^threadcreate profile: total ${before + 5}\\n`));
    expect(text).toMatch(/\n3 @ 0x/);
    expect(text).toMatch(/\n2 @ 0x/);
    const top = await goPprofOn(await collect(p, 0), ['-top', '-cum']);
    expect(top).toMatch(/createFromSiteA/);
    expect(top).toMatch(/createFromSiteB/);
  });
});
