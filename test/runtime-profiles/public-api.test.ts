import * as otelprof from '../../src';
import { collect, decodeSamples } from './helpers';

describe('runtime profiles through the package root', () => {
  it('exports the lock primitives and the rate setters', async () => {
    expect(typeof otelprof.setBlockProfileRate).toBe('function');
    expect(otelprof.DEFAULT_BLOCK_PROFILE_RATE_NANOS).toBe(10_000_000);
    expect(otelprof.setMutexProfileFraction(-1)).toBe(0);
    const m = new otelprof.Mutex();
    await m.runExclusive(() => undefined);
    expect(() => m.unlock()).toThrow(otelprof.UnlockOfUnlockedError);
    const rw = new otelprof.RWMutex();
    expect(await rw.runRead(() => 7)).toBe(7);
    const s = new otelprof.Semaphore(2);
    expect(s.tryAcquire(2)).toBe(true);
  });

  it('turns goroutine creation stacks on and off', async () => {
    otelprof.enableGoroutineStacks();
    function makeTimer(): NodeJS.Timeout { return setTimeout(() => {}, 600_000); }
    const t = makeTimer();
    const goroutine = otelprof.lookup('goroutine');
    const { samples } = decodeSamples(await collect(goroutine as NonNullable<typeof goroutine>, 0));
    expect(samples.some((x) => x.stack.includes('makeTimer'))).toBe(true);
    clearTimeout(t);
    otelprof.disableGoroutineStacks();
  });

  it('lists the four runtime profiles among profiles()', () => {
    const names = otelprof.profiles().map((p) => p.name);
    for (const n of ['goroutine', 'threadcreate', 'block', 'mutex']) expect(names).toContain(n);
  });
});
