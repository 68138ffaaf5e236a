import { performance } from 'node:perf_hooks';
import { EXPORT_SUCCESS, exportFailure, type ExportResult } from '../types';
import { BoundedQueue } from './bounded-queue';
import { LogOnce } from './log-once';
import { backoffMillis, isRetryableStatus, parseRetryAfter, type BackoffPolicy } from './retry';
import { SelfMetrics } from './self-metrics';
import type { HttpTransport, TransportRequest, TransportResult } from './transport';

/** One request waiting for delivery. */
export interface DeliveryItem {
  /** Memory the item holds (its body, roughly); counted against the queue's byte bound. */
  readonly bytes: number;
  /** Profiles it carries (for the self-metrics). */
  readonly profiles: number;
  /** Short description for logs, e.g. `push of 3 profiles (cpu, wall, heap)`. */
  readonly describe: string;
  readonly request: TransportRequest;
  /** Called exactly once with the final outcome. */
  settle(result: ExportResult): void;
}

/** Queue and retry settings. */
export interface DeliveryOptions {
  maxQueueItems: number;
  maxQueueBytes: number;
  /** Attempts per request, first one included. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** Longest `forceFlush()` waits, milliseconds. */
  flushTimeoutMillis: number;
  /** Which HTTP statuses are retried; default {@link isRetryableStatus} (429 and 5xx). */
  retryableStatus?: (status: number) => boolean;
}

interface Entry extends DeliveryItem {
  attempts: number;
  notBefore: number;
}

/**
 * Reliable delivery: a bounded queue (drops the oldest, counted) drained by one worker that
 * sends requests in order, retrying network errors, timeouts, 5xx and 429 (or the statuses
 * `retryableStatus` allows) with exponential backoff and jitter (honouring `Retry-After`), and
 * never retrying other 4xx. A request that
 * got a 2xx is never sent again. Nothing here throws or rejects into the caller.
 */
export class Delivery {
  private readonly _queue: BoundedQueue<Entry>;
  private readonly _opts: DeliveryOptions;
  private readonly _transport: HttpTransport;
  private readonly _metrics: SelfMetrics;
  private readonly _log: LogOnce;
  private readonly _random: () => number;
  private _running = false;
  private _closed = false;
  private _wake: (() => void) | undefined;
  /** Epoch ms before which no request is sent: the server's last `Retry-After` covers every request, not just the one it answered. */
  private _pausedUntil = 0;
  private _idleWaiters: Array<() => void> = [];

  /** `random` is injectable so tests can remove the jitter. */
  constructor(transport: HttpTransport, opts: DeliveryOptions, metrics: SelfMetrics, log: LogOnce, random: () => number = Math.random) {
    this._transport = transport;
    this._opts = opts;
    this._queue = new BoundedQueue<Entry>(opts.maxQueueItems, opts.maxQueueBytes);
    this._metrics = metrics;
    this._log = log;
    this._random = random;
  }

  /** Requests waiting (not counting the one in flight). */
  get queued(): number {
    return this._queue.length;
  }

  /** Bytes waiting. */
  get queuedBytes(): number {
    return this._queue.bytes;
  }

  /** Queues a request; the oldest ones are dropped if the queue is full. */
  enqueue(item: DeliveryItem): void {
    if (this._closed) {
      this._drop([{ ...item, attempts: 0, notBefore: 0 }], 'shutdown', 'exporter is shut down');
      return;
    }
    const evicted = this._queue.push({ ...item, attempts: 0, notBefore: 0 });
    this._drop(evicted, 'queue_full', 'export queue full (oldest dropped)');
    // A head waiting out its backoff may just have been evicted: re-check the new head now.
    if (evicted.length > 0) this._wake?.();
    this._pump();
  }

  /** Resolves when the queue is empty and nothing is in flight, or after the flush timeout. */
  forceFlush(): Promise<void> {
    if (!this._running && this._queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this._opts.flushTimeoutMillis);
      timer.unref();
      const waiters = this._idleWaiters;
      function done(): void {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  /** Flushes (bounded), then drops whatever is left and closes the transport. */
  async shutdown(): Promise<void> {
    await this.forceFlush();
    this._closed = true;
    this._drop(this._queue.drain(), 'shutdown', 'exporter shut down with requests still queued');
    this._wake?.();
    await this._transport.close();
  }

  private _pump(): void {
    if (this._running || this._closed) return;
    this._running = true;
    this._loop()
      .catch((err: unknown) => this._log.error('delivery-bug', `delivery loop failed: ${String(err)}`))
      .finally(() => {
        this._running = false;
        for (const w of this._idleWaiters.slice()) w();
        // Items queued while the loop was finishing would otherwise wait for the next export.
        if (this._queue.length > 0 && !this._closed) this._pump();
      });
  }

  private async _loop(): Promise<void> {
    for (;;) {
      if (this._closed) return;
      const head = this._queue.peek();
      if (!head) return;
      const wait = Math.max(head.notBefore, this._pausedUntil) - Date.now();
      if (wait > 0) {
        await this._sleep(wait);
        continue; // the head may have been evicted meanwhile
      }
      this._queue.shift();
      await this._attempt(head);
    }
  }

  private async _attempt(entry: Entry): Promise<void> {
    const started = performance.now();
    const res = await this._transport.post(entry.request);
    this._metrics.sent(entry.request.body.byteLength, performance.now() - started);
    entry.attempts++;
    if (res.kind === 'response' && res.status >= 200 && res.status < 300) {
      this._metrics.exported(entry.profiles);
      entry.settle(EXPORT_SUCCESS);
      return;
    }
    if (res.kind === 'response' && !(this._opts.retryableStatus ?? isRetryableStatus)(res.status)) {
      const error = new Error(`${entry.describe} rejected with HTTP ${res.status}: ${serverMessage(res.body)}`);
      this._log.error(`http-${res.status}`, `otelprof: ${error.message}`);
      this._metrics.dropped(entry.profiles, 'rejected');
      entry.settle(exportFailure('rejected', error));
      return;
    }
    this._retryOrDrop(entry, res);
  }

  private _retryOrDrop(entry: Entry, res: TransportResult): void {
    const what = res.kind === 'response' ? `HTTP ${res.status}: ${serverMessage(res.body)}` : res.error.message;
    const kind = res.kind === 'response' ? `http-${res.status}` : res.timedOut ? 'timeout' : 'network';
    const retryAfter = res.kind === 'response' ? parseRetryAfter(res.headers['retry-after']) : undefined;
    // Honoured even when this request is dropped, and by whichever request goes next (a full
    // queue evicts the one waiting; the next one must not go sooner than the server asked).
    if (retryAfter !== undefined) {
      this._pausedUntil = Math.max(this._pausedUntil, Date.now() + Math.min(retryAfter, this._opts.backoff.maxRetryAfterMillis));
    }
    if (entry.attempts >= this._opts.maxAttempts) {
      const error = new Error(`${entry.describe} dropped after ${entry.attempts} attempts; last error: ${what}`);
      this._log.error('retries-exhausted', `otelprof: ${error.message}`);
      this._metrics.dropped(entry.profiles, 'retries_exhausted');
      entry.settle(exportFailure('dropped', error));
      return;
    }
    if (this._closed) {
      // Shut down while this attempt was in flight (the transport aborted it): settle it now.
      this._drop([entry], 'shutdown', `exporter shut down during a failed attempt (${what})`);
      return;
    }
    const delay = backoffMillis(this._opts.backoff, entry.attempts, retryAfter, this._random);
    this._log.warn(kind, `otelprof: ${entry.describe} failed (${what}); retrying in ${delay} ms`);
    this._metrics.retried();
    entry.notBefore = Date.now() + delay;
    this._drop(this._queue.unshift(entry), 'queue_full', 'export queue full (oldest dropped)');
  }

  private _drop(entries: Entry[], reason: 'queue_full' | 'shutdown', message: string): void {
    for (const e of entries) {
      this._log.warn(reason, `otelprof: ${message}: ${e.describe}`);
      this._metrics.dropped(e.profiles, reason);
      e.settle(exportFailure(reason === 'shutdown' ? 'shutdown' : 'dropped', new Error(`${message}: ${e.describe}`)));
    }
  }

  private _sleep(millis: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, millis);
      timer.unref();
      const self = this;
      function finish(): void {
        clearTimeout(timer);
        if (self._wake === finish) self._wake = undefined;
        resolve();
      }
      this._wake = finish;
    });
  }
}

/** The server's explanation: `code: message` from a Connect/Pyroscope JSON error body, else the text. */
function serverMessage(body: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as { code?: unknown; message?: unknown };
      if (typeof j.message === 'string') return typeof j.code === 'string' ? `${j.code}: ${j.message}` : j.message;
    } catch {
      // Not JSON after all: show it as it came.
    }
  }
  return text || '(no body)';
}
