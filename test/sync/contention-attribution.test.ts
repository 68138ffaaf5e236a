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

/*
 * An RWMutex is three semaphores in Go (sync/rwmutex.go), and each semrelease charges only its own
 * waiters: readers blocked by a writer wait on readerSem, released once per reader by the writer's
 * Unlock; a writer waiting for readers to leave waits on writerSem, released by the last RUnlock
 * (rUnlockSlow); a writer blocked by another writer waits on the inner Mutex w, released by that
 * writer's Unlock. One release must not be charged with the waits of another semaphore's waiters.
 */

/** Mutex profile samples recorded while `run` runs. */
async function mutexSamplesDuring(run: () => Promise<void>): Promise<ReturnType<typeof decodeSamples>['samples']> {
  setMutexProfileFraction(1);
  const warm = new Mutex();
  await Promise.all([fastHolder(warm), fastHolder(warm)]);
  const before = decode(await collect(mutexProfile(), 0));
  await run();
  const after = decode(await collect(mutexProfile(), 0));
  return decodeSamples(encode(delta(before, after))).samples;
}

const hold = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

/** The last reader leaves: Go's rUnlockSlow releases writerSem for the writer waiting on it. */
function lastReaderLeaves(rw: RWMutex): void {
  rw.rUnlock();
}

/** The writer leaves: Go's Unlock releases readerSem once per waiting reader, then the inner Mutex. */
function writerUnlocks(rw: RWMutex): void {
  rw.unlock();
}

/** A second writer leaves, as `writerUnlocks` (a separate stack so the profile tells them apart). */
function nextWriterUnlocks(rw: RWMutex): void {
  rw.unlock();
}

test('RWMutex: the last RUnlock is charged only the writer it lets in; the readers queued behind that writer go to its Unlock', async () => {
  let writerWaited = 0;
  let readersWaitedAtLeast = 0;
  const samples = await mutexSamplesDuring(async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const lockAt = performance.now();
    const writer = rw.lock().then(() => { writerWaited = performance.now() - lockAt; });
    const r1 = rw.rLock();
    const r1QueuedAt = performance.now();
    const r2 = rw.rLock();
    const r2QueuedAt = performance.now();
    await hold();
    lastReaderLeaves(rw);
    await writer;
    const unlockAt = performance.now();
    writerUnlocks(rw);
    readersWaitedAtLeast = (unlockAt - r1QueuedAt) + (unlockAt - r2QueuedAt);
    await Promise.all([r1, r2]);
    rw.rUnlock();
    rw.rUnlock();
  });
  expect(sumFor(samples, 'lastReaderLeaves', 0)).toBe(1);
  expect(sumFor(samples, 'writerUnlocks', 0)).toBe(2);
  // writerSem has one waiter, the writer: the readers behind it are not this release's to charge.
  expect(sumFor(samples, 'lastReaderLeaves', 1)).toBeLessThanOrEqual(Math.ceil(writerWaited * 1e6));
  // Both readers waited on readerSem from the moment they queued until the writer's Unlock.
  expect(sumFor(samples, 'writerUnlocks', 1)).toBeGreaterThanOrEqual(readersWaitedAtLeast * 1e6 - 1e3);
});

test('RWMutex: a writer queued behind another writer is charged to that writer\'s Unlock, not to the RUnlock that let the first in', async () => {
  let firstWaited = 0;
  let secondWaitedAtLeast = 0;
  const samples = await mutexSamplesDuring(async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const lockAt = performance.now();
    const first = rw.lock().then(() => { firstWaited = performance.now() - lockAt; });
    const second = rw.lock();
    const secondQueuedAt = performance.now();
    await hold();
    lastReaderLeaves(rw);
    await first;
    secondWaitedAtLeast = performance.now() - secondQueuedAt;
    writerUnlocks(rw);
    await second;
    rw.unlock();
  });
  expect(sumFor(samples, 'lastReaderLeaves', 0)).toBe(1);
  expect(sumFor(samples, 'writerUnlocks', 0)).toBe(1);
  // The second writer waits on the inner Mutex the first holds, not on writerSem.
  expect(sumFor(samples, 'lastReaderLeaves', 1)).toBeLessThanOrEqual(Math.ceil(firstWaited * 1e6));
  expect(sumFor(samples, 'writerUnlocks', 1)).toBeGreaterThanOrEqual(secondWaitedAtLeast * 1e6 - 1e3);
});

test('RWMutex: a writer\'s Unlock that lets readers in also hands the inner Mutex to the next writer; the last RUnlock is charged only the wait after that', async () => {
  let firstGrantedAt = 0;
  let unlockStartedAt = 0;
  let secondWaitedAtLeast = 0;
  const samples = await mutexSamplesDuring(async () => {
    const rw = new RWMutex();
    await rw.lock();
    const r1 = rw.rLock();
    const first = rw.lock().then(() => { firstGrantedAt = performance.now(); });
    const second = rw.lock();
    await hold();
    unlockStartedAt = performance.now();
    writerUnlocks(rw);
    const unlockedAt = performance.now();
    await r1;
    await hold();
    lastReaderLeaves(rw);
    await first;
    secondWaitedAtLeast = performance.now() - unlockedAt;
    nextWriterUnlocks(rw);
    await second;
    rw.unlock();
  });
  // Go: the Unlock releases readerSem for the reader, then w.Unlock gives the first writer the
  // inner Mutex (two events); that writer then waits on writerSem for the reader to leave.
  expect(sumFor(samples, 'writerUnlocks', 0)).toBe(2);
  expect(sumFor(samples, 'lastReaderLeaves', 0)).toBe(1);
  expect(sumFor(samples, 'nextWriterUnlocks', 0)).toBe(1);
  // writerSem's wait started at the Unlock; the second writer (on w) is not the RUnlock's to charge.
  expect(sumFor(samples, 'lastReaderLeaves', 1)).toBeLessThanOrEqual(Math.ceil((firstGrantedAt - unlockStartedAt) * 1e6));
  // The second writer's wait on w since the first Unlock is the first writer's Unlock's to charge.
  expect(sumFor(samples, 'nextWriterUnlocks', 1)).toBeGreaterThanOrEqual(secondWaitedAtLeast * 1e6 - 1e3);
});
