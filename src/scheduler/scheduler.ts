/**
 * The periodic loop: every period, end one window of every collector at the same instant and hand
 * the period's profiles to every exporter. Nothing here throws into the host: failures are logged
 * once per kind through the OTel diag logger and counted.
 */
import { componentLogger } from '../otel-api';
import { nowNanos } from '../pprof';
import type { ProfileBatch, ProfileExporter } from '../../exporters/types';
import type { Collector, CollectedProfile } from './collectors';

const log = componentLogger('otelprof/scheduler');

export interface SchedulerOptions {
  periodMillis: number;
  collectors: Collector[];
  exporters: ProfileExporter[];
  /** Series labels of every batch, or a function read once per period (e.g. until an OTel SDK resource appears). */
  seriesLabels: Record<string, string> | (() => Record<string, string>);
  /** Longest time `shutdown()` spends on the last window and the exporters' flush. */
  shutdownTimeoutMillis: number;
  /** Random source for the first period's jitter (tests pass a fixed one). Default Math.random. */
  random?: () => number;
}

/** Counters a user (or a test) can read: what was collected, what failed. */
export interface SchedulerStats {
  periods: number;
  profiles: number;
  collectErrors: number;
  exportFailures: number;
}

export class Scheduler {
  readonly stats: SchedulerStats = { periods: 0, profiles: 0, collectErrors: 0, exportFailures: 0 };
  private readonly _opts: SchedulerOptions;
  private _windowStart: bigint;
  private _timer: NodeJS.Timeout | undefined;
  private _running: Promise<void> = Promise.resolve();
  private _stopped = false;
  private _shutdown: Promise<void> | undefined;
  private readonly _loggedKinds = new Set<string>();

  constructor(opts: SchedulerOptions) {
    this._opts = opts;
    this._windowStart = nowNanos();
    // The first period is cut short by a random part of a period, so a fleet started together
    // does not upload in step; later periods are whole.
    const first = Math.max(1, Math.round(opts.periodMillis * (1 - 0.5 * (opts.random ?? Math.random)())));
    this._arm(first);
  }

  /** Ends the current period now and exports it; resolves when exporters have settled it. */
  forceFlush(): Promise<void> {
    if (this._stopped) return this._running;
    return this._enqueue().then(() => Promise.all(this._opts.exporters.map((e) => e.forceFlush())).then(() => undefined));
  }

  /** Stops the loop, sends the last window within the deadline, then shuts the exporters down. Idempotent. */
  shutdown(): Promise<void> {
    if (!this._shutdown) this._shutdown = this._doShutdown();
    return this._shutdown;
  }

  private async _doShutdown(): Promise<void> {
    if (this._timer) clearTimeout(this._timer);
    this._stopped = true;
    const last = this._enqueue(true);
    // The deadline timer holds the event loop (everything else here is unref'ed): without it a
    // process whose only remaining work is a failing upload would exit in the middle of
    // `await shutdown()`, skipping whatever the caller does after it.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this._opts.shutdownTimeoutMillis);
    });
    await Promise.race([last.then(() => Promise.all(this._opts.exporters.map((e) => e.shutdown()))), deadline]);
    clearTimeout(timer);
    for (const c of this._opts.collectors) c.close();
  }

  private _arm(delayMillis: number): void {
    this._timer = setTimeout(() => {
      this._enqueue().finally(() => {
        if (!this._stopped) this._arm(this._opts.periodMillis);
      });
    }, delayMillis);
    this._timer.unref();
  }

  // Periods never overlap: each one starts after the previous has handed its batch over. A period
  // that throws is counted here: a rejected chain would skip every later period, and the timer's
  // `finally` would hand the rejection to the host as unhandled.
  private _enqueue(final = false): Promise<void> {
    this._running = this._running.then(() => this._period(final)).catch((err: unknown) => this._fail('period', err));
    return this._running;
  }

  private async _period(final: boolean): Promise<void> {
    if (this._stopped && !final) return;
    const start = this._windowStart;
    const end = nowNanos();
    this._windowStart = end;
    // collect() cuts every window synchronously here, before any of them awaits.
    const pending = this._opts.collectors.map((c) => c.collect());
    const profiles: CollectedProfile[] = [];
    for (const [i, result] of (await Promise.allSettled(pending)).entries()) {
      if (result.status === 'fulfilled') profiles.push(...result.value);
      else this._fail('collect ' + this._opts.collectors[i].types.join('+'), result.reason);
    }
    this.stats.periods++;
    if (profiles.length === 0) return;
    this.stats.profiles += profiles.length;
    const labels = this._opts.seriesLabels;
    const seriesLabels = typeof labels === 'function' ? labels() : labels;
    const batch: ProfileBatch = { startNanos: start, endNanos: end, profiles, seriesLabels };
    // Exporters queue and never reject; the loop does not wait for slow collectors to answer.
    for (const exporter of this._opts.exporters) {
      exporter.export(batch).then((r) => {
        if (r.code !== 0) {
          this.stats.exportFailures++;
          this._logOnce('export ' + ('reason' in r ? r.reason : ''), r.error);
        }
      }, (err: unknown) => this._fail('export', err));
    }
  }

  private _fail(kind: string, err: unknown): void {
    this.stats.collectErrors++;
    this._logOnce(kind, err);
  }

  private _logOnce(kind: string, err: unknown): void {
    if (this._loggedKinds.has(kind)) return;
    this._loggedKinds.add(kind);
    log.error(`${kind} failed (further failures of this kind are counted, not logged)`, err);
  }
}
