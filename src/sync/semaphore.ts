/**
 * A weighted async semaphore (Go's `golang.org/x/sync/semaphore.Weighted`).
 */
import { InvalidArgumentError } from '../errors';
import { UnlockOfUnlockedError } from './errors';
import { WaiterQueue, abortedReason } from './waiter-queue';

/**
 * A counting semaphore with `size` permits. `acquire(n)` waits until `n` permits are free and no
 * earlier waiter is still waiting (strict FIFO, like Go's `Weighted`: a large request is not
 * starved by smaller ones behind it). An aborted waiter leaves the queue, its `acquire` rejects
 * with `signal.reason`, and waiters behind it are re-examined.
 *
 * Contention is reported to the mutex profile like `Mutex`'s, charged to the releaser's stack.
 */
export class Semaphore {
  private readonly _size: number;
  private _used = 0;
  private readonly _waiters = new WaiterQueue();

  /**
   * @param size number of permits, a positive safe integer.
   * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) otherwise.
   */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new InvalidArgumentError(`Semaphore size must be a positive integer (got ${String(size)})`);
    }
    this._size = size;
  }

  /** Total permits. */
  get size(): number {
    return this._size;
  }

  /** Permits currently free. */
  get available(): number {
    return this._size - this._used;
  }

  /** Number of callers waiting in `acquire()`. */
  get waiting(): number {
    return this._waiters.length;
  }

  /**
   * Acquires `n` permits (default 1), waiting in FIFO order. Rejects with `signal.reason` if
   * `signal` is or becomes aborted before the permits are granted (nothing is then taken), and
   * with InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `n` is not an integer in [1, size]
   * (rejected, not thrown: `acquire(n).catch(...)` must see it).
   */
  acquire(n = 1, signal?: AbortSignal): Promise<void> {
    const bad = this._weightError(n);
    if (bad !== undefined) return Promise.reject(bad);
    const reason = abortedReason(signal);
    if (reason !== undefined) return Promise.reject(reason);
    if (this._waiters.length === 0 && this._size - this._used >= n) {
      this._used += n;
      return Promise.resolve();
    }
    return this._waiters.enqueue(n, signal, () => this._dispatch());
  }

  /** Takes `n` permits only if they are free and nobody waits; returns whether it did. */
  tryAcquire(n = 1): boolean {
    const bad = this._weightError(n);
    if (bad !== undefined) throw bad;
    if (this._waiters.length > 0 || this._size - this._used < n) return false;
    this._used += n;
    return true;
  }

  /**
   * Returns `n` permits (default 1) and grants waiters that now fit, oldest first.
   * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `n` is not a positive integer.
   * @throws UnlockOfUnlockedError (`PPROF_ERR_UNLOCK_OF_UNLOCKED`) if more than held is released
   *   (more than the size included, as Go's `Weighted.Release`).
   */
  release(n = 1): void {
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`semaphore weight must be a positive integer (got ${String(n)})`);
    if (n > this._used) throw new UnlockOfUnlockedError('semaphore: released more than held');
    this._used -= n;
    this._dispatch();
  }

  /** Runs `fn` holding `n` permits, released afterwards whatever `fn` does. */
  async runExclusive<T>(fn: () => T | Promise<T>, n = 1, signal?: AbortSignal): Promise<T> {
    await this.acquire(n, signal);
    try {
      return await fn();
    } finally {
      this.release(n);
    }
  }

  private _dispatch(): void {
    for (let w = this._waiters.peek(); w !== undefined; w = this._waiters.peek()) {
      if (this._size - this._used < w.want) return;
      this._used += w.want;
      this._waiters.grantHead();
    }
  }

  private _weightError(n: number): InvalidArgumentError | undefined {
    if (Number.isSafeInteger(n) && n >= 1 && n <= this._size) return undefined;
    return new InvalidArgumentError(`semaphore weight must be an integer in [1, ${this._size}] (got ${String(n)})`);
  }
}
