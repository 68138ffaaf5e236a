/**
 * An async reader/writer lock (Go's `sync.RWMutex` for code that awaits while holding it).
 */
import { UnlockOfUnlockedError } from './errors';
import { WaiterQueue, abortedReason, type GrantCharge } from './waiter-queue';

const WRITER = -1;
const READER = 1;

/** Which call is dispatching: it decides how each grant is charged to the mutex profile. */
type Releaser = 'unlock' | 'rUnlock' | 'leave';

/**
 * Many readers or one writer. Like Go's `RWMutex`, a waiting writer blocks readers that arrive
 * after it, so writers are not starved; waiters are served in FIFO order, consecutive readers
 * together. An aborted waiter leaves the queue (its call rejects with `signal.reason`) and the
 * waiters behind it are re-examined, so nobody stays blocked behind a writer that gave up.
 *
 * Contention is reported to the mutex profile like `Mutex`'s, charged to the releaser's stack, and
 * as Go charges its `RWMutex` (sync/rwmutex.go): there it is three semaphores, and each release
 * charges only its own waiters. Readers blocked by a writer (`readerSem`) are charged to that
 * writer's `unlock()`; a writer waiting for readers to leave (`writerSem`) to the last `rUnlock()`;
 * a writer blocked by another writer (the inner `Mutex`) to that writer's `unlock()`, which hands
 * it on even when the readers it let in still hold the lock.
 */
export class RWMutex {
  private _readers = 0;
  private _writer = false;
  /** Readers and writers wait apart, so that each release charges its own kind; tickets keep FIFO. */
  private readonly _readerQueue = new WaiterQueue();
  private readonly _writerQueue = new WaiterQueue();
  private _tickets = 0;
  private readonly _redispatch = (): void => this._dispatch('leave');

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
    return this._readerQueue.length + this._writerQueue.length;
  }

  /** Acquires the lock for reading. Rejects with `signal.reason` if aborted before granted. */
  rLock(signal?: AbortSignal): Promise<void> {
    const reason = abortedReason(signal);
    if (reason !== undefined) return Promise.reject(reason);
    if (!this._writer && this.waiting === 0) {
      this._readers++;
      return Promise.resolve();
    }
    return this._readerQueue.enqueue(READER, signal, this._redispatch, ++this._tickets);
  }

  /**
   * Releases one read hold.
   * @throws UnlockOfUnlockedError (`PPROF_ERR_UNLOCK_OF_UNLOCKED`) if no reader holds the lock.
   */
  rUnlock(): void {
    if (this._readers === 0) throw new UnlockOfUnlockedError('sync: RUnlock of unlocked RWMutex');
    this._readers--;
    this._dispatch('rUnlock');
  }

  /** Acquires the lock for writing. Rejects with `signal.reason` if aborted before granted. */
  lock(signal?: AbortSignal): Promise<void> {
    const reason = abortedReason(signal);
    if (reason !== undefined) return Promise.reject(reason);
    if (!this._writer && this._readers === 0 && this.waiting === 0) {
      this._writer = true;
      return Promise.resolve();
    }
    return this._writerQueue.enqueue(WRITER, signal, this._redispatch, ++this._tickets);
  }

  /**
   * Releases the write hold.
   * @throws UnlockOfUnlockedError (`PPROF_ERR_UNLOCK_OF_UNLOCKED`) if no writer holds the lock.
   */
  unlock(): void {
    if (!this._writer) throw new UnlockOfUnlockedError('sync: Unlock of unlocked RWMutex');
    this._writer = false;
    this._dispatch('unlock');
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

  /**
   * Grants waiters in arrival order, consecutive readers together, while the lock allows. Only a
   * writer's `unlock()` releases readers (Go's readerSem) and hands the inner writer mutex on (a
   * `release` for the writers: the one first in line and those behind it); the last `rUnlock()`
   * lets in the one writer waiting for the readers (writerSem: its wait `alone`). Grants made
   * because a waiter gave up are charged to nobody.
   */
  private _dispatch(by: Releaser): void {
    while (!this._writer) {
      const reader = this._readerQueue.peek();
      const writer = this._writerQueue.peek();
      if (writer !== undefined && (reader === undefined || writer.ticket < reader.ticket)) {
        if (this._readers > 0) {
          // Readers hold only if this dispatch let them in; after an unlock, the writer now owns
          // the inner mutex (that hand-off is charged here) and waits on writerSem for them to leave.
          if (by === 'unlock') this._writerQueue.chargeHead();
          return;
        }
        this._writer = true;
        this._writerQueue.grantHead(WRITER_CHARGE[by]);
      } else if (reader !== undefined) {
        this._readers++;
        this._readerQueue.grantHead(by === 'unlock' ? 'release' : 'none');
      } else {
        return;
      }
    }
  }
}

const WRITER_CHARGE: Readonly<Record<Releaser, GrantCharge>> = { unlock: 'release', rUnlock: 'alone', leave: 'none' };
