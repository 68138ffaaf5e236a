/**
 * An async mutual-exclusion lock (Go's `sync.Mutex` for code that awaits while holding it).
 */
import { UnlockOfUnlockedError } from './errors';
import { WaiterQueue, abortedReason } from './waiter-queue';

/**
 * An async mutex. `lock()` resolves when the caller owns the lock; `unlock()` hands it directly to
 * the oldest waiter (FIFO, no barging: a caller arriving later never overtakes a waiter). A waiter
 * whose `AbortSignal` fires leaves the queue and its `lock()` rejects with `signal.reason`; the
 * lock and the other waiters are unaffected.
 *
 * When mutex profiling is on ({@link setMutexProfileFraction}), each waiter's wait is charged to
 * the stack that called `unlock()`, as Go does.
 */
export class Mutex {
  private _locked = false;
  private readonly _waiters = new WaiterQueue();

  /** True while someone owns the lock. */
  get locked(): boolean {
    return this._locked;
  }

  /** Number of callers waiting in `lock()`. */
  get waiting(): number {
    return this._waiters.length;
  }

  /**
   * Acquires the lock, waiting in FIFO order if it is held. Rejects with `signal.reason` if
   * `signal` is already aborted or aborts before the lock is granted (the lock is then not taken).
   */
  lock(signal?: AbortSignal): Promise<void> {
    const reason = abortedReason(signal);
    if (reason !== undefined) return Promise.reject(reason);
    if (!this._locked) {
      this._locked = true;
      return Promise.resolve();
    }
    // Nothing to re-dispatch when a mutex waiter aborts: the lock is still held by someone.
    return this._waiters.enqueue(1, signal, noop);
  }

  /** Takes the lock only if it is free and nobody waits; returns whether it did. */
  tryLock(): boolean {
    if (this._locked) return false;
    this._locked = true;
    return true;
  }

  /**
   * Releases the lock, handing it to the oldest waiter if there is one.
   * @throws UnlockOfUnlockedError (`PPROF_ERR_UNLOCK_OF_UNLOCKED`) if the lock is not held.
   */
  unlock(): void {
    if (!this._locked) throw new UnlockOfUnlockedError('sync: unlock of unlocked mutex');
    // peek(), not length: a waiter whose signal fired while this unlock ran must not get the lock.
    if (this._waiters.peek() !== undefined) this._waiters.grantHead();
    else this._locked = false;
  }

  /**
   * Runs `fn` while holding the lock and releases it afterwards, whether `fn` returns, throws or
   * rejects. Returns `fn`'s result. Rejects without running `fn` if `signal` aborts first.
   */
  async runExclusive<T>(fn: () => T | Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.lock(signal);
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }
}

function noop(): void {}
