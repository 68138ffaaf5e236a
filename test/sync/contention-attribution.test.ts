/**
 * Go charges mutex delay to the unlock that caused it: each release charges the wait it caused
 * to the waiter it wakes *and* to everyone still queued, then restarts their clocks (runtime
 * sema.go `semrelease1`, "Charge contention that this (delayed) unlock caused"). A quick critical
 * section that happens to hand the lock on must not be blamed for a slow one's hold.
 */
import { lookup, setMutexProfileFraction } from '../../src/profiles';
import { Mutex, RWMutex } from '../../src/sync';
import { decode, delta, encode } from '../../src/pprof';
import { collect, decodeSamples, sumFor } from '../runtime-profiles/helpers';

function mutexProfile(): NonNullable<ReturnType<typeof lookup>> {
  const p = lookup('mutex');
  if (p === undefined) throw new Error('mutex profile missing');
  return p;
}

/** Holds the lock across a timer: the cause of all the waiting below. */
async function slowHolder(m: Mutex): Promise<void> {
  await m.lock();
  await new Promise((r) => setTimeout(r, 30));
  m.unlock();
}

/** Takes the lock and gives it back at once: it delays nobody. */
async function fastHolder(m: Mutex): Promise<void> {
  await m.lock();
  m.unlock();
}

afterEach(() => {
  setMutexProfileFraction(0);
});

test('delay queued behind a slow holder is charged to its unlock, not to the quick holders after it', async () => {
  setMutexProfileFraction(1);
  // A first contended hand-off loads what recording needs, so it is not part of the delays below.
  const warm = new Mutex();
  await Promise.all([fastHolder(warm), fastHolder(warm)]);
  const before = decode(await collect(mutexProfile(), 0));
  const m = new Mutex();
  await Promise.all([slowHolder(m), fastHolder(m), fastHolder(m), fastHolder(m)]);
  const after = decode(await collect(mutexProfile(), 0));
  const { samples } = decodeSamples(encode(delta(before, after)));
  // One contended release each: slow hands to the first fast holder, which hands on, and so on.
  expect(sumFor(samples, 'slowHolder', 0)).toBe(1);
  expect(sumFor(samples, 'fastHolder', 0)).toBe(2);
  const slow = sumFor(samples, 'slowHolder', 1);
  const fast = sumFor(samples, 'fastHolder', 1);
  // All three waiters waited out the slow hold; the quick hand-offs added next to nothing.
  expect(slow).toBeGreaterThan(0);
  expect(fast).toBeLessThan(slow / 4);
});

/** Takes the lock, makes the waiter behind it give up, and hands the lock on at once. */
async function abortNextThenRelease(m: Mutex, next: AbortController): Promise<void> {
  await m.lock();
  next.abort(new Error('gave up'));
  m.unlock();
}

test('a waiter that gives up at the head of the queue does not make the next one charged twice', async () => {
  setMutexProfileFraction(1);
  const warm = new Mutex();
  await Promise.all([fastHolder(warm), fastHolder(warm)]);
  const before = decode(await collect(mutexProfile(), 0));
  const m = new Mutex();
  const ac = new AbortController();
  const slow = slowHolder(m);
  const first = abortNextThenRelease(m, ac);
  const quitter = m.lock(ac.signal).then(() => { throw new Error('should not be granted'); }, () => undefined);
  await Promise.all([slow, first, quitter, fastHolder(m), fastHolder(m)]);
  const after = decode(await collect(mutexProfile(), 0));
  const { samples } = decodeSamples(encode(delta(before, after)));
  const slowDelay = sumFor(samples, 'slowHolder', 1);
  expect(slowDelay).toBeGreaterThan(0);
  // The slow hold was charged when it ended; the hand-offs after it delayed nobody.
  expect(sumFor(samples, 'abortNextThenRelease', 0)).toBe(1);
  expect(sumFor(samples, 'abortNextThenRelease', 1) + sumFor(samples, 'fastHolder', 1)).toBeLessThan(slowDelay / 4);
});

/** Holds the lock across a timer while one waiter waits and a later one gives up. */
async function holdWhileTailQuits(m: Mutex): Promise<number> {
  await m.lock();
  const queuedAt = performance.now();
  const waited = m.lock().then(() => performance.now() - queuedAt);
  await new Promise((r) => setTimeout(r, 30));
  const ac = new AbortController();
  const quitter = m.lock(ac.signal).catch(() => undefined);
  ac.abort(new Error('gave up'));
  await quitter;
  m.unlock();
  const waitedMillis = await waited;
  m.unlock();
  return waitedMillis;
}

test('a waiter that gives up at the tail of the queue does not erase the wait of the one before it', async () => {
  setMutexProfileFraction(1);
  const warm = new Mutex();
  await Promise.all([fastHolder(warm), fastHolder(warm)]);
  const before = decode(await collect(mutexProfile(), 0));
  const waitedMillis = await holdWhileTailQuits(new Mutex());
  const after = decode(await collect(mutexProfile(), 0));
  const { samples } = decodeSamples(encode(delta(before, after)));
  expect(sumFor(samples, 'holdWhileTailQuits', 0)).toBe(1);
  // The waiter waited the whole hold; the quitter arrived near its end and must not reset that.
  expect(sumFor(samples, 'holdWhileTailQuits', 1)).toBeGreaterThan((waitedMillis * 1e6) / 2);
});

/** Gives up on a queued writer; the reader queued behind it then gets the lock inside the abort. */
function abandonWriter(ac: AbortController): void {
  ac.abort(new Error('gave up'));
}

test('a grant made because a waiter gave up is not charged to the code that aborted it', async () => {
  setMutexProfileFraction(1);
  const warm = new Mutex();
  await Promise.all([fastHolder(warm), fastHolder(warm)]);
  const before = decode(await collect(mutexProfile(), 0));
  const rw = new RWMutex();
  await rw.rLock();
  const ac = new AbortController();
  const writer = rw.lock(ac.signal).catch(() => 'gave up');
  const reader = rw.rLock();
  abandonWriter(ac);
  expect(await writer).toBe('gave up');
  await reader;
  expect(rw.readers).toBe(2);
  rw.rUnlock();
  rw.rUnlock();
  const after = decode(await collect(mutexProfile(), 0));
  const { samples } = decodeSamples(encode(delta(before, after)));
  expect(sumFor(samples, 'abandonWriter', 0)).toBe(0);
});
