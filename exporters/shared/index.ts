/**
 * Building blocks shared by the HTTP exporters (Pyroscope, OTLP): pooled transport, retry
 * policy, bounded queue, reliable delivery, self-metrics, rate-limited logging, option checks.
 */
export { BoundedQueue } from './bounded-queue';
export { Delivery, type DeliveryItem, type DeliveryOptions } from './delivery';
export { LogOnce } from './log-once';
export { bool, fraction, headerRecord, httpUrl, knownKeys, positiveInt, str, timerDelayMillis, timerMillis } from './options';
export { DEFAULT_BACKOFF, backoffMillis, isOtlpRetryableStatus, isRetryableStatus, parseRetryAfter, type BackoffPolicy } from './retry';
export { SelfMetrics } from './self-metrics';
export { suppressedContext, withoutTracing } from './suppress-tracing';
export { exporterTransport } from './transport-warm-up';
export { HttpTransport, type TlsOptions, type TransportOptions, type TransportRequest, type TransportResult } from './transport';
