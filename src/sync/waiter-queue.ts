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
  /** Arrival order across queues that serve one lock (RWMutex's readers and writers); else 0. */
  readonly ticket: number;
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

/**
 * How a grant is charged to the mutex profile: `release` as Go's `semrelease1` (the granted
 * waiter's wait and that of the waiters still queued, see `grantHead`); `alone` only the granted
 * waiter's wait (the others wait on something this release does not free); `none` not at all.
 */
export type GrantCharge = 'release' | 'alone' | 'none';

/** FIFO of waiters; the owner decides when the head may be granted. */
export class WaiterQueue {
  private _head: Waiter | undefined = undefined;
  private _tail: Waiter | undefined = undefined;
  private _length = 0;
  /** When the last charging release restarted every queued waiter's clock (0: none yet). */
  private _chargedAt = 0;
  /** True while an aborted waiter's owner re-dispatches: its grants are not releases. */
  private _leaving = false;

  /** Number of waiters still queued. */
  get length(): number {
    return this._length;
  }

  /**
   * The oldest waiter, or undefined when nobody waits. A head whose signal has fired but whose
   * abort listener has not run yet (another listener of that signal is releasing or re-dispatching)
   * leaves now, rejected: it must not be granted.
   */
  peek(): Waiter | undefined {
    while (this._head?.signal?.aborted === true) this._drop(this._head);
    return this._head;
  }

  /**
   * Queues a waiter and returns the promise it settles. When `signal` aborts first, the waiter
   * leaves the queue, the promise rejects with `signal.reason`, and `onLeave` runs so the owner
   * can grant the waiters that were behind it.
   */
  enqueue(want: number, signal: AbortSignal | undefined, onLeave: () => void, ticket = 0): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        want, ticket, sinceMillis: contentionEnabled() ? nowMillis() : 0, prev: this._tail, next: undefined,
        queued: true, resolve, reject, signal, onAbort: undefined,
      };
      if (this._tail) this._tail.next = w;
      else this._head = w;
      this._tail = w;
      this._length++;
      if (signal) {
        w.onAbort = () => {
          if (!w.queued) return;
          this._drop(w);
          // Waiters this lets through were held up by the holders, not by the code that aborted:
          // its stack (often Node's timer internals for AbortSignal.timeout) must not be charged.
          this._leaving = true;
          try {
            onLeave();
          } finally {
            this._leaving = false;
          }
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
    });
  }

  /**
   * Removes the head and resolves it: the lock now belongs to that waiter. The wait is reported
   * as a contention event from inside the releaser's call, so the profile sees the releaser's
   * stack (Go charges mutex delay to the unlocker). `charge` says which waits it is charged.
   */
  grantHead(charge: GrantCharge = 'release'): void {
    const w = this._head;
    if (!w) return;
    this._unlink(w);
    if (w.sinceMillis !== 0 && !this._leaving && charge !== 'none') {
      const now = nowMillis();
      noteContention(charge === 'release' ? this._chargeRelease(now, w.sinceMillis, this._head, this._length) : now - w.sinceMillis);
    }
    w.resolve();
  }

  /**
   * A release that hands the head something short of the lock, so it stays queued: RWMutex's
   * inner writer mutex, passed on by a writer's unlock to the next writer, who must still wait for
   * the readers it let in. Charged as a `release`; the head's clock restarts too, so what it
   * waits from now on is charged to the release that grants it.
   */
  chargeHead(): void {
    const w = this._head;
    if (w === undefined || w.sinceMillis === 0 || this._leaving) return;
    const now = nowMillis();
    const delay = this._chargeRelease(now, w.sinceMillis, w.next, this._length - 1);
    w.sinceMillis = now;
    this._chargedAt = now;
    noteContention(delay);
  }

  /**
   * The delay a release caused, in ms, as Go's `semrelease1` charges it: the granted waiter's
   * uncharged wait plus, for the `behind` waiters still queued from `next` to the tail, the
   * average of the granted waiter's and the tail's uncharged waits times their number. Their
   * clocks then restart (next and tail, O(1), as Go's `dequeue` does), so a later release, maybe a
   * quick one, is not blamed for this one's hold.
   */
  private _chargeRelease(now: number, grantedSince: number, next: Waiter | undefined, behind: number): number {
    const headWait = now - grantedSince;
    const tail = this._tail;
    if (next === undefined || tail === undefined || behind === 0) return headWait;
    const tailWait = tail.sinceMillis !== 0 ? now - tail.sinceMillis : 0;
    if (next.sinceMillis !== 0) next.sinceMillis = now;
    if (tail.sinceMillis !== 0) tail.sinceMillis = now;
    this._chargedAt = now;
    return headWait + ((headWait + tailWait) / 2) * behind;
  }

  /** Takes an aborted waiter out of the queue and rejects it with its signal's reason. */
  private _drop(w: Waiter): void {
    const wasHead = this._head === w;
    const wasTail = this._tail === w;
    this._unlink(w);
    // The new head / tail was charged up to the last release like every queued waiter, but only
    // head and tail clocks are stored: it takes that restart now, so it is not charged twice. Not
    // the leaver's clock: a tail that queued late would erase the wait of the one before it.
    if (wasHead) this._restartClock(this._head);
    if (wasTail) this._restartClock(this._tail);
    w.reject(w.signal?.reason);
  }

  /** Moves a timed waiter's uncharged-since time up to the last charging release. */
  private _restartClock(w: Waiter | undefined): void {
    if (w !== undefined && w.sinceMillis !== 0 && this._chargedAt > w.sinceMillis) w.sinceMillis = this._chargedAt;
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

/** Rejects at once when the signal has already fired (the lock is not taken). */
export function abortedReason(signal: AbortSignal | undefined): unknown {
  if (signal === undefined || !signal.aborted) return undefined;
  return signal.reason ?? new Error('aborted');
}
