/**
 * Options of the OTLP Profiles exporter: checked when given in code (throws), read from the
 * `OTEL_EXPORTER_OTLP_*` environment otherwise (warns and falls back). Code > env > default.
 */
import type { MeterProvider } from '@opentelemetry/api';
import { InvalidArgumentError } from '../../src/errors';
import { EnvReader, type Env } from '../../src/config/env-reader';
import { reportConfigIssues, type ConfigIssue } from '../../src/config/issues';
import { DEFAULT_OTLP_PROFILES_URL, OTLP_SECRET_VARS, readOtlpEnv } from '../../src/config/otlp-env';
import { DEFAULT_BACKOFF, bool, fraction, headerRecord, httpUrl, knownKeys, positiveInt, str, timerDelayMillis, timerMillis, type BackoffPolicy, type TlsOptions } from '../shared';
import type { ResourceAttributeValue } from './resource';

/** Settings of {@link createOtlpExporter}. Every field is optional. */
export interface OtlpExporterOptions {
  /**
   * Full URL requests are POSTed to. Default: `OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT`, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1development/profiles`, else
   * `http://localhost:4318/v1development/profiles`.
   */
  url?: string | URL;
  /** Extra request headers (e.g. `authorization`), merged over `OTEL_EXPORTER_OTLP_[PROFILES_]HEADERS`. */
  headers?: Record<string, string>;
  /** `gzip` or `none` (default: `OTEL_EXPORTER_OTLP_[PROFILES_]COMPRESSION`, else `none`). */
  compression?: 'gzip' | 'none';
  /** Per-request timeout, milliseconds (default: `OTEL_EXPORTER_OTLP_[PROFILES_]TIMEOUT`, else 10000). */
  timeoutMillis?: number;
  /** Resource attributes (OTel names); they win over those derived from the batch's series labels. */
  resourceAttributes?: Record<string, ResourceAttributeValue>;
  /** Version written on the instrumentation scope `otelprof`. Default ''. */
  scopeVersion?: string;
  /** Requests kept while the collector is unreachable (oldest dropped first). Default 8. */
  maxQueueItems?: number;
  /** Bytes kept in the queue. Default 33554432 (32 MiB). */
  maxQueueBytes?: number;
  /** Attempts per request, the first included. Default 5. */
  maxAttempts?: number;
  /** Retry backoff (all milliseconds). Default: 1 s doubling to 30 s, `Retry-After` capped at 5 min, 20 % jitter. */
  backoff?: Partial<BackoffPolicy>;
  /** Longest `forceFlush()` / `shutdown()` waits for queued requests, milliseconds. Default 30000. */
  flushTimeoutMillis?: number;
  /** Idle keep-alive connection lifetime, milliseconds. Default 30000. */
  keepAliveMillis?: number;
  /** TLS settings for `https:` URLs. */
  tls?: TlsOptions;
  /** Where the exporter's own metrics go. Default: the global meter provider. */
  meterProvider?: MeterProvider;
  /** Environment to read instead of `process.env` (tests). */
  env?: Env;
  /** Whether to warn about invalid `OTEL_EXPORTER_OTLP_*` values through diag. Default true. */
  reportEnvIssues?: boolean;
}

/** Options after defaults, env and checks. */
export interface ResolvedOtlpOptions {
  url: URL;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  timeoutMillis: number;
  resourceAttributes: Record<string, ResourceAttributeValue>;
  scopeVersion: string;
  maxQueueItems: number;
  maxQueueBytes: number;
  maxAttempts: number;
  flushTimeoutMillis: number;
  keepAliveMillis: number;
  backoff: BackoffPolicy;
  tls?: TlsOptions;
  meterProvider?: MeterProvider;
  /** Invalid environment values that were ignored. */
  envIssues: readonly ConfigIssue[];
}

const KNOWN_KEYS: readonly string[] = [
  'url', 'headers', 'compression', 'timeoutMillis', 'resourceAttributes', 'scopeVersion', 'maxQueueItems', 'maxQueueBytes',
  'maxAttempts', 'backoff', 'flushTimeoutMillis', 'keepAliveMillis', 'tls', 'meterProvider', 'env', 'reportEnvIssues',
];

/** Applies code > env > default. Throws `InvalidArgumentError` naming the option and the rule. */
export function resolveOtlpOptions(options: OtlpExporterOptions = {}): ResolvedOtlpOptions {
  knownKeys('OTLP exporter options', options, KNOWN_KEYS);
  const reader = new EnvReader(options.env ?? process.env, OTLP_SECRET_VARS);
  const env = readOtlpEnv(reader);
  if (options.compression !== undefined && options.compression !== 'gzip' && options.compression !== 'none') {
    throw new InvalidArgumentError(`compression must be "gzip" or "none" (actual: ${JSON.stringify(options.compression)})`);
  }
  const resolved: ResolvedOtlpOptions = {
    url: httpUrl('url', options.url ?? env.url ?? DEFAULT_OTLP_PROFILES_URL),
    headers: { ...env.headers, ...headerRecord('headers', options.headers) },
    compression: options.compression ?? env.compression ?? 'none',
    timeoutMillis: timerMillis('timeoutMillis', options.timeoutMillis, env.timeoutMillis ?? 10_000),
    resourceAttributes: resourceAttributesOption(options.resourceAttributes),
    scopeVersion: str('scopeVersion', options.scopeVersion, '', false) ?? '',
    maxQueueItems: positiveInt('maxQueueItems', options.maxQueueItems, 8),
    maxQueueBytes: positiveInt('maxQueueBytes', options.maxQueueBytes, 32 * 1024 * 1024),
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts, 5),
    flushTimeoutMillis: timerMillis('flushTimeoutMillis', options.flushTimeoutMillis, 30_000),
    keepAliveMillis: timerMillis('keepAliveMillis', options.keepAliveMillis, 30_000),
    backoff: backoffOption(options.backoff),
    tls: options.tls,
    meterProvider: options.meterProvider,
    envIssues: reader.issues,
  };
  if (bool('reportEnvIssues', options.reportEnvIssues, true)) reportConfigIssues(reader.issues);
  return resolved;
}

function backoffOption(value: Partial<BackoffPolicy> | undefined): BackoffPolicy {
  if (value === undefined) return DEFAULT_BACKOFF;
  knownKeys('backoff', value, Object.keys(DEFAULT_BACKOFF));
  return {
    initialBackoffMillis: timerDelayMillis('backoff.initialBackoffMillis', value.initialBackoffMillis, DEFAULT_BACKOFF.initialBackoffMillis),
    maxBackoffMillis: timerDelayMillis('backoff.maxBackoffMillis', value.maxBackoffMillis, DEFAULT_BACKOFF.maxBackoffMillis),
    maxRetryAfterMillis: timerDelayMillis('backoff.maxRetryAfterMillis', value.maxRetryAfterMillis, DEFAULT_BACKOFF.maxRetryAfterMillis),
    jitter: fraction('backoff.jitter', value.jitter, DEFAULT_BACKOFF.jitter),
  };
}

function isScalar(x: unknown): boolean {
  return typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
}

function resourceAttributesOption(value: unknown): Record<string, ResourceAttributeValue> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`resourceAttributes must be an object of attribute values (actual: ${String(value)})`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (isScalar(v) || (Array.isArray(v) && v.every(isScalar) && new Set(v.map((x) => typeof x)).size <= 1)) continue;
    throw new InvalidArgumentError(
      `resourceAttributes[${JSON.stringify(k)}] must be a string, finite number, boolean, or an array of one of those kinds (actual: ${String(v)})`,
    );
  }
  return value as Record<string, ResourceAttributeValue>;
}
