import { Mutex, RWMutex, Semaphore } from '../../src/sync';
import { rng } from '../support/hostile-input';

async function yieldSome(rand: () => number): Promise<void> {
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) await Promise.resolve();
}

const OPS = 3000;

describe('lock primitives under random lock/unlock/abort', () => {
  it.each([1, 2, 3])('Mutex keeps mutual exclusion and serves everyone (seed %i)', async (seed) => {
    const rand = rng(seed);
    const m = new Mutex();
    let holders = 0;
    let granted = 0;
    let aborted = 0;
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < OPS; i++) {
      const ac = rand() < 0.3 ? new AbortController() : undefined;
      tasks.push(m.lock(ac?.signal).then(async () => {
        holders++;
        expect(holders).toBe(1);
        granted++;
        await yieldSome(rand);
        holders--;
        m.unlock();
      }, () => { aborted++; }));
      if (ac && rand() < 0.7) {
        if (rand() < 0.5) ac.abort();
        else void Promise.resolve().then(() => ac.abort());
      }
      if (rand() < 0.2) await yieldSome(rand);
    }
    await Promise.all(tasks);
    expect(granted + aborted).toBe(OPS);
    expect(granted).toBeGreaterThan(OPS / 2);
    expect(m.locked).toBe(false);
    expect(m.waiting).toBe(0);
  });

  it.each([4, 5])('RWMutex never mixes a writer with anyone (seed %i)', async (seed) => {
    const rand = rng(seed);
    const rw = new RWMutex();
    let readers = 0;
    let writers = 0;
    let done = 0;
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < OPS; i++) {
      const ac = rand() < 0.3 ? new AbortController() : undefined;
      const write = rand() < 0.3;
      const acquire = write ? rw.lock(ac?.signal) : rw.rLock(ac?.signal);
      tasks.push(acquire.then(async () => {
        if (write) writers++; else readers++;
        expect(writers <= 1 && (writers === 0 || readers === 0)).toBe(true);
        await yieldSome(rand);
        if (write) { writers--; rw.unlock(); } else { readers--; rw.rUnlock(); }
        done++;
      }, () => { done++; }));
      if (ac && rand() < 0.7) void Promise.resolve().then(() => ac.abort());
      if (rand() < 0.2) await yieldSome(rand);
    }
    await Promise.all(tasks);
    expect(done).toBe(OPS);
    expect(rw.readers).toBe(0);
    expect(rw.writeLocked).toBe(false);
    expect(rw.waiting).toBe(0);
  });

  it.each([8, 9])('RWMutex grants queued readers and writers in arrival order (seed %i)', async (seed) => {
    const rand = rng(seed);
    const rw = new RWMutex();
    let queued = 0;
    const granted: number[] = [];
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < OPS; i++) {
      const ac = rand() < 0.3 ? new AbortController() : undefined;
      const write = rand() < 0.3;
      const waitingBefore = rw.waiting;
      const acquire = write ? rw.lock(ac?.signal) : rw.rLock(ac?.signal);
      // Only calls that queued have a place in line; an immediate grant has none.
      const place = rw.waiting > waitingBefore ? ++queued : 0;
      tasks.push(acquire.then(async () => {
        if (place !== 0) granted.push(place);
        await yieldSome(rand);
        if (write) rw.unlock(); else rw.rUnlock();
      }, () => undefined));
      if (ac && rand() < 0.7) void Promise.resolve().then(() => ac.abort());
      if (rand() < 0.2) await yieldSome(rand);
    }
    await Promise.all(tasks);
    expect(granted.length).toBeGreaterThan(OPS / 4);
    expect(granted).toEqual([...granted].sort((a, b) => a - b));
    expect(rw.waiting).toBe(0);
  });

  it.each([6, 7])('Semaphore never hands out more than its size (seed %i)', async (seed) => {
    const rand = rng(seed);
    const s = new Semaphore(5);
    let inUse = 0;
    let done = 0;
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < OPS; i++) {
      const n = 1 + Math.floor(rand() * 5);
      const ac = rand() < 0.3 ? new AbortController() : undefined;
      tasks.push(s.acquire(n, ac?.signal).then(async () => {
        inUse += n;
        expect(inUse).toBeLessThanOrEqual(5);
        await yieldSome(rand);
        inUse -= n;
        s.release(n);
        done++;
      }, () => { done++; }));
      if (ac && rand() < 0.7) void Promise.resolve().then(() => ac.abort());
      if (rand() < 0.2) await yieldSome(rand);
    }
    await Promise.all(tasks);
    expect(done).toBe(OPS);
    expect(s.available).toBe(5);
    expect(s.waiting).toBe(0);
  });
});
