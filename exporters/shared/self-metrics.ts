import type { Attributes, Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import { otelApi } from '../../src/otel-api';

/**
 * The exporters' own metrics, recorded through the OTel metrics API (no-ops unless a meter
 * provider is registered or passed in). Every instrument carries `exporter` (`pyroscope`,
 * `file`, ...); drops also carry `reason`.
 *
 * - `otelprof.exporter.exported` (profiles delivered)
 * - `otelprof.exporter.dropped` (profiles lost, by `reason`: `queue_full`, `retries_exhausted`,
 *   `rejected`, `shutdown`, `invalid`, `io`)
 * - `otelprof.exporter.retried` (request attempts that will be retried)
 * - `otelprof.exporter.bytes` (request body bytes sent, successful or not)
 * - `otelprof.exporter.duration` (request or write latency, milliseconds)
 */
export class SelfMetrics {
  private readonly _exported: Counter;
  private readonly _dropped: Counter;
  private readonly _retried: Counter;
  private readonly _bytes: Counter;
  private readonly _duration: Histogram;
  private readonly _attrs: Attributes;

  /** Uses `meterProvider`, else the global one at construction time (`metrics.getMeter('otelprof')`). */
  constructor(exporter: string, meterProvider?: MeterProvider) {
    const meter = meterProvider ? meterProvider.getMeter('otelprof') : otelApi().metrics.getMeter('otelprof');
    this._attrs = { exporter };
    this._exported = meter.createCounter('otelprof.exporter.exported', { description: 'Profiles delivered', unit: '{profile}' });
    this._dropped = meter.createCounter('otelprof.exporter.dropped', { description: 'Profiles dropped, by reason', unit: '{profile}' });
    this._retried = meter.createCounter('otelprof.exporter.retried', { description: 'Request attempts that will be retried', unit: '{request}' });
    this._bytes = meter.createCounter('otelprof.exporter.bytes', { description: 'Request body bytes sent', unit: 'By' });
    this._duration = meter.createHistogram('otelprof.exporter.duration', { description: 'Request or write latency', unit: 'ms' });
  }

  /** `n` profiles were delivered. */
  exported(n: number): void {
    if (n > 0) this._exported.add(n, this._attrs);
  }

  /** `n` profiles were lost for `reason`. */
  dropped(n: number, reason: string): void {
    if (n > 0) this._dropped.add(n, { ...this._attrs, reason });
  }

  /** One attempt failed and will be retried. */
  retried(): void {
    this._retried.add(1, this._attrs);
  }

  /** One request (or file) of `bytes` left, taking `millis`. */
  sent(bytes: number, millis: number): void {
    this._bytes.add(bytes, this._attrs);
    this._duration.record(millis, this._attrs);
  }
}
