/**
 * An async reader/writer lock (Go's `sync.RWMutex` for code that awaits while holding it).
 */
import { UnlockOfUnlockedError } from './errors';
import { WaiterQueue, abortedReason } from './waiter-queue';

const WRITER = -1;
const READER = 1;

/**
 * Many readers or one writer. Like Go's `RWMutex`, a waiting writer blocks readers that arrive
 * after it, so writers are not starved; waiters are served in FIFO order, consecutive readers
 * together. An aborted waiter leaves the queue (its call rejects with `signal.reason`) and the
 * waiters behind it are re-examined, so nobody stays blocked behind a writer that gave up.
 *
 * Contention is reported to the mutex profile like `Mutex`'s, charged to the releaser's stack.
 */
export class RWMutex {
  private _readers = 0;
  private _writer = false;
  private readonly _waiters = new WaiterQueue();
  private readonly _redispatch = (): void => this._dispatch();

  /** Number of readers holding the lock. */
  get readers(): number {
    return this._readers;
  }

  /** True while a writer holds the lock. */
  get writeLocked(): boolean {
    return this._writer;
  }

  /** Number of callers waiting in `lock()` or `rLock()`. */
  get waiting(): number {
    return this._waiters.length;
  }

  /** Acquires the lock for reading. Rejects with `signal.reason` if aborted before granted. */
  rLock(signal?: AbortSignal): Promise<void> {
    const reason = abortedReason(signal);
    if (reason !== undefined) return Promise.reject(reason);
    if (!this._writer && this._waiters.length === 0) {
      this._readers++;
      return Promise.resolve();
    }
    return this._waiters.enqueue(READER, signal, this._redispatch);
  }

  /**
   * Releases one read hold.
   * @throws UnlockOfUnlockedError (`PPROF_ERR_UNLOCK_OF_UNLOCKED`) if no reader holds the lock.
   */
  rUnlock(): void {
    if (this._readers === 0) throw new UnlockOfUnlockedError('sync: RUnlock of unlocked RWMutex');
    this._readers--;
    this._dispatch();
  }

  /** Acquires the lock for writing. Rejects with `signal.reason` if aborted before granted. */
  lock(signal?: AbortSignal): Promise<void> {
    const reason = abortedReason(signal);
    if (reason !== undefined) return Promise.reject(reason);
    if (!this._writer && this._readers === 0 && this._waiters.length === 0) {
      this._writer = true;
      return Promise.resolve();
    }
    return this._waiters.enqueue(WRITER, signal, this._redispatch);
  }

  /**
   * Releases the write hold.
   * @throws UnlockOfUnlockedError (`PPROF_ERR_UNLOCK_OF_UNLOCKED`) if no writer holds the lock.
   */
  unlock(): void {
    if (!this._writer) throw new UnlockOfUnlockedError('sync: Unlock of unlocked RWMutex');
    this._writer = false;
    this._dispatch();
  }

  /** Runs `fn` holding a read lock, released afterwards whatever `fn` does. */
  async runRead<T>(fn: () => T | Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.rLock(signal);
    try {
      return await fn();
    } finally {
      this.rUnlock();
    }
  }

  /** Runs `fn` holding the write lock, released afterwards whatever `fn` does. */
  async runExclusive<T>(fn: () => T | Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.lock(signal);
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }

  private _dispatch(): void {
    for (let w = this._waiters.peek(); w !== undefined && !this._writer; w = this._waiters.peek()) {
      if (w.want === WRITER) {
        if (this._readers > 0) return;
        this._writer = true;
      } else {
        this._readers++;
      }
      this._waiters.grantHead();
    }
  }
}
