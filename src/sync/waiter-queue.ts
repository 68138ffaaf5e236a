/**
 * The FIFO queue of waiters shared by `Mutex`, `RWMutex` and `Semaphore`.
 *
 * A doubly linked list so an aborted waiter leaves the middle of the queue in O(1). Each waiter
 * is settled exactly once: granted (`grant`) or aborted (its `AbortSignal` fired first).
 */
import { noteContention, contentionEnabled, nowMillis } from './contention';

/** One pending `lock()`/`acquire()` call. */
export interface Waiter {
  /** What the waiter asks for: 1 for a mutex, the weight for a semaphore, -1 for an RW writer. */
  readonly want: number;
  /**
   * `performance.now()` since when its wait is not yet charged to a release: when it started
   * waiting, or the last release that charged it (0 when mutex profiling was off when it queued).
   */
  sinceMillis: number;
  prev: Waiter | undefined;
  next: Waiter | undefined;
  /** False once granted or aborted. */
  queued: boolean;
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** FIFO of waiters; the owner decides when the head may be granted. */
export class WaiterQueue {
  private _head: Waiter | undefined = undefined;
  private _tail: Waiter | undefined = undefined;
  private _length = 0;

  /** Number of waiters still queued. */
  get length(): number {
    return this._length;
  }

  /** The oldest waiter, or undefined when nobody waits. */
  peek(): Waiter | undefined {
    return this._head;
  }

  /**
   * Queues a waiter and returns the promise it settles. When `signal` aborts first, the waiter
   * leaves the queue, the promise rejects with `signal.reason`, and `onLeave` runs so the owner
   * can grant the waiters that were behind it.
   */
  enqueue(want: number, signal: AbortSignal | undefined, onLeave: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        want, sinceMillis: contentionEnabled() ? nowMillis() : 0, prev: this._tail, next: undefined,
        queued: true, resolve, reject, signal, onAbort: undefined,
      };
      if (this._tail) this._tail.next = w;
      else this._head = w;
      this._tail = w;
      this._length++;
      if (signal) {
        w.onAbort = () => {
          if (!w.queued) return;
          const wasHead = this._head === w;
          const wasTail = this._tail === w;
          this._unlink(w);
          // The new head / tail takes over a clock a release restarted, so it is not charged twice.
          if (wasHead) inheritClock(this._head, w);
          if (wasTail) inheritClock(this._tail, w);
          reject(signal.reason);
          onLeave();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
    });
  }

  /**
   * Removes the head and resolves it: the lock now belongs to that waiter. The wait is reported
   * as a contention event from inside the releaser's call, so the profile sees the releaser's
   * stack (Go charges mutex delay to the unlocker).
   */
  grantHead(): void {
    const w = this._head;
    if (!w) return;
    this._unlink(w);
    if (w.sinceMillis !== 0) noteContention(this._chargeRelease(w.sinceMillis));
    w.resolve();
  }

  /**
   * The delay this release caused, in ms, as Go's `semrelease1` charges it: the granted waiter's
   * uncharged wait plus, for the waiters still queued, the average of the head's and tail's
   * uncharged waits times their number. Their clocks then restart (head and tail, O(1), as Go's
   * `dequeue` does), so a later release, maybe a quick one, is not blamed for this one's hold.
   */
  private _chargeRelease(grantedSince: number): number {
    const now = nowMillis();
    const headWait = now - grantedSince;
    const head = this._head;
    const tail = this._tail;
    if (head === undefined || tail === undefined) return headWait;
    const tailWait = tail.sinceMillis !== 0 ? now - tail.sinceMillis : 0;
    if (head.sinceMillis !== 0) head.sinceMillis = now;
    if (tail.sinceMillis !== 0) tail.sinceMillis = now;
    return headWait + ((headWait + tailWait) / 2) * this._length;
  }

  private _unlink(w: Waiter): void {
    w.queued = false;
    if (w.prev) w.prev.next = w.next;
    else this._head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this._tail = w.prev;
    w.prev = undefined;
    w.next = undefined;
    this._length--;
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.onAbort = undefined;
  }
}

/** Moves `to`'s uncharged-since time up to `from`'s when `from`'s is later (both timed). */
function inheritClock(to: Waiter | undefined, from: Waiter): void {
  if (to !== undefined && to.sinceMillis !== 0 && from.sinceMillis > to.sinceMillis) to.sinceMillis = from.sinceMillis;
}

/** Rejects at once when the signal has already fired (the lock is not taken). */
export function abortedReason(signal: AbortSignal | undefined): unknown {
  if (signal === undefined || !signal.aborted) return undefined;
  return signal.reason ?? new Error('aborted');
}
