import { Mutex, RWMutex, Semaphore, UnlockOfUnlockedError } from '../../src/sync';
import { InvalidArgumentError } from '../../src/errors';

/** Lets every already-resolved continuation run (promise jobs only, no timers). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('Mutex', () => {
  it('grants waiters in FIFO order, one at a time', async () => {
    const m = new Mutex();
    const order: number[] = [];
    let inside = 0;
    let maxInside = 0;
    const tasks = Array.from({ length: 8 }, (_, i) => m.runExclusive(async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      order.push(i);
      await settle();
      inside--;
    }));
    await Promise.all(tasks);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(maxInside).toBe(1);
    expect(m.locked).toBe(false);
  });

  it('does not let a later tryLock barge past a waiter', async () => {
    const m = new Mutex();
    await m.lock();
    const waiter = m.lock();
    m.unlock();
    expect(m.tryLock()).toBe(false);
    await waiter;
    expect(m.locked).toBe(true);
    m.unlock();
    expect(m.tryLock()).toBe(true);
  });

  it('releases the lock when the function throws', async () => {
    const m = new Mutex();
    await expect(m.runExclusive(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(m.locked).toBe(false);
  });

  it('an aborted waiter leaves the queue and the lock stays consistent', async () => {
    const m = new Mutex();
    await m.lock();
    const ac = new AbortController();
    const aborted = m.lock(ac.signal);
    const next = m.lock();
    ac.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    expect(m.waiting).toBe(1);
    m.unlock();
    await next;
    expect(m.locked).toBe(true);
    m.unlock();
    expect(m.locked).toBe(false);
  });

  it('aborting after the grant has no effect', async () => {
    const m = new Mutex();
    await m.lock();
    const ac = new AbortController();
    const p = m.lock(ac.signal);
    m.unlock();
    ac.abort();
    await expect(p).resolves.toBeUndefined();
    expect(m.locked).toBe(true);
  });

  it('rejects at once with an already-aborted signal and takes nothing', async () => {
    const m = new Mutex();
    const reason = new Error('already');
    await expect(m.lock(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(m.locked).toBe(false);
  });
});

describe('RWMutex', () => {
  it('lets readers share and a writer exclude them', async () => {
    const rw = new RWMutex();
    await rw.rLock();
    await rw.rLock();
    expect(rw.readers).toBe(2);
    let wrote = false;
    const w = rw.lock().then(() => { wrote = true; });
    await settle();
    expect(wrote).toBe(false);
    rw.rUnlock();
    await settle();
    expect(wrote).toBe(false);
    rw.rUnlock();
    await w;
    expect(rw.writeLocked).toBe(true);
    rw.unlock();
  });

  it('blocks new readers behind a waiting writer (no writer starvation)', async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const events: string[] = [];
    const w = rw.lock().then(() => { events.push('writer'); rw.unlock(); });
    const r = rw.rLock().then(() => { events.push('reader'); rw.rUnlock(); });
    rw.rUnlock();
    await Promise.all([w, r]);
    expect(events).toEqual(['writer', 'reader']);
  });

  it('readers behind an aborted writer proceed', async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const ac = new AbortController();
    const w = rw.lock(ac.signal);
    const r = rw.rLock();
    ac.abort(new Error('stop'));
    await expect(w).rejects.toThrow('stop');
    await r;
    expect(rw.readers).toBe(2);
  });
});

describe('Semaphore', () => {
  it('is strictly FIFO for weighted requests', async () => {
    const s = new Semaphore(3);
    await s.acquire(2);
    const order: string[] = [];
    const big = s.acquire(3).then(() => { order.push('big'); });
    const small = s.acquire(1).then(() => { order.push('small'); });
    await settle();
    expect(order).toEqual([]);
    s.release(2);
    await big;
    await settle();
    expect(order).toEqual(['big']);
    s.release(3);
    await small;
    expect(order).toEqual(['big', 'small']);
  });

  it('lets the waiters behind an aborted head go', async () => {
    const s = new Semaphore(2);
    await s.acquire(1);
    const ac = new AbortController();
    const big = s.acquire(2, ac.signal);
    const small = s.acquire(1);
    ac.abort(new Error('no'));
    await expect(big).rejects.toThrow('no');
    await small;
    expect(s.available).toBe(0);
  });
});

describe('errors', () => {
  const cases: Array<[string, () => unknown, string, string]> = [
    ['Mutex.unlock unlocked', () => new Mutex().unlock(), 'PPROF_ERR_UNLOCK_OF_UNLOCKED', 'sync: unlock of unlocked mutex'],
    ['RWMutex.unlock unlocked', () => new RWMutex().unlock(), 'PPROF_ERR_UNLOCK_OF_UNLOCKED', 'sync: Unlock of unlocked RWMutex'],
    ['RWMutex.rUnlock unlocked', () => new RWMutex().rUnlock(), 'PPROF_ERR_UNLOCK_OF_UNLOCKED', 'sync: RUnlock of unlocked RWMutex'],
    ['Semaphore over-release', () => new Semaphore(2).release(1), 'PPROF_ERR_UNLOCK_OF_UNLOCKED', 'semaphore: released more than held'],
    ['Semaphore size 0', () => new Semaphore(0), 'PPROF_ERR_INVALID_ARG', 'Semaphore size must be a positive integer (got 0)'],
    ['Semaphore size 1.5', () => new Semaphore(1.5), 'PPROF_ERR_INVALID_ARG', 'Semaphore size must be a positive integer (got 1.5)'],
    ['Semaphore weight > size', () => new Semaphore(2).tryAcquire(3), 'PPROF_ERR_INVALID_ARG', 'semaphore weight must be an integer in [1, 2] (got 3)'],
    ['Semaphore weight 0', () => new Semaphore(2).release(0), 'PPROF_ERR_INVALID_ARG', 'semaphore weight must be a positive integer (got 0)'],
    // More than the size is more than held, as x/sync's Release reports it.
    ['Semaphore release over size', () => new Semaphore(2).release(3), 'PPROF_ERR_UNLOCK_OF_UNLOCKED', 'semaphore: released more than held'],
  ];
  it.each(cases)('%s', (_name, fn, code, message) => {
    let err: unknown;
    try { fn(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(code === 'PPROF_ERR_INVALID_ARG' ? InvalidArgumentError : UnlockOfUnlockedError);
    expect((err as { code: string }).code).toBe(code);
    expect((err as Error).message).toBe(message);
  });
});

test.each([[3, 'semaphore weight must be an integer in [1, 2] (got 3)'], [0, 'semaphore weight must be an integer in [1, 2] (got 0)']])(
  'Semaphore.acquire(%d) rejects (a promise API: .catch() sees it) with InvalidArgumentError', async (n, message) => {
    let thrown: unknown;
    let p: Promise<void> | undefined;
    try {
      p = new Semaphore(2).acquire(n);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeUndefined();
    await expect(p).rejects.toMatchObject({ code: 'PPROF_ERR_INVALID_ARG', message });
  });

describe('a signal shared by several waiters', () => {
  it('RWMutex: a reader behind a writer that gives up with the same signal rejects too', async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const ac = new AbortController();
    const reason = new Error('request gone');
    const writer = rw.lock(ac.signal);
    const reader = rw.rLock(ac.signal);
    ac.abort(reason);
    await expect(writer).rejects.toBe(reason);
    await expect(reader).rejects.toBe(reason);
    expect(rw.readers).toBe(1);
    expect(rw.waiting).toBe(0);
  });

  it('Semaphore: a small waiter behind a large one that gives up with the same signal rejects too', async () => {
    const s = new Semaphore(2);
    await s.acquire(1);
    const ac = new AbortController();
    const reason = new Error('request gone');
    const big = s.acquire(2, ac.signal);
    const small = s.acquire(1, ac.signal);
    ac.abort(reason);
    await expect(big).rejects.toBe(reason);
    await expect(small).rejects.toBe(reason);
    expect(s.available).toBe(1);
    expect(s.waiting).toBe(0);
  });

  it('Mutex: a holder that unlocks when the signal fires does not hand the lock to a waiter on that signal', async () => {
    const m = new Mutex();
    await m.lock();
    const ac = new AbortController();
    const reason = new Error('request gone');
    // The holder listened first, so it runs before the waiter's own abort handling.
    ac.signal.addEventListener('abort', () => m.unlock(), { once: true });
    const waiter = m.lock(ac.signal);
    ac.abort(reason);
    await expect(waiter).rejects.toBe(reason);
    expect(m.locked).toBe(false);
    expect(m.waiting).toBe(0);
  });
});
