import type { MeterProvider } from '@opentelemetry/api';
import { InvalidArgumentError } from '../../src/errors';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../shared/retry';
import { HEADER_VALUE_RULE, isHeaderValue } from '../../src/config/parse';
import { bool, fraction, headerRecord, httpUrl, knownKeys, positiveInt, str, timerDelayMillis, timerMillis } from '../shared/options';
import type { TlsOptions } from '../shared/transport';
import { DEFAULT_LABEL_RULES, type LabelRules } from './labels';

/** Options of {@link PyroscopeExporter}. Every duration is in milliseconds, every size in bytes. */
export interface PyroscopeExporterOptions {
  /** Pyroscope base URL (`http:` or `https:`, may include a path prefix). Default `http://localhost:4040`. */
  endpoint?: string | URL;
  /**
   * `push` (default): `POST /push.v1.PusherService/Push`, protobuf, all types of a period in one
   * request. `ingest`: `POST /ingest?format=pprof`, one raw gzipped pprof per request (block
   * profiles then show up as `mutex`, because `/ingest` derives `__name__` from sample types).
   */
  route?: 'push' | 'ingest';
  /** Sent as `Authorization: Bearer <authToken>`. Exclusive with `basicAuth`. */
  authToken?: string;
  /** Sent as `Authorization: Basic ...` (Grafana Cloud: username = stack id, password = token). */
  basicAuth?: { username: string; password: string };
  /** Sent as `X-Scope-OrgID` (multi-tenant Pyroscope). At most 150 of `A-Za-z0-9!-_.*'()`, not `.`/`..`. */
  tenantId?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** TLS settings for `https:` endpoints. */
  tls?: TlsOptions;
  /** Per-request timeout. Default 10000. */
  timeoutMillis?: number;
  /** Idle keep-alive time of pooled connections. Default 15000. */
  keepAliveMillis?: number;
  /** Requests kept waiting (the oldest is dropped beyond). Default 32. */
  maxQueueItems?: number;
  /** Bytes kept waiting (the oldest is dropped beyond). Default 32 MiB. */
  maxQueueBytes?: number;
  /** Attempts per request, the first included. Default 5. */
  maxAttempts?: number;
  /** First retry delay, doubling per attempt. Default 1000. */
  initialBackoffMillis?: number;
  /** Cap on the retry delay. Default 30000. */
  maxBackoffMillis?: number;
  /** Cap on a server's `Retry-After`. Default 300000. */
  maxRetryAfterMillis?: number;
  /** Fraction of each delay randomised away, 0..1. Default 0.2. */
  jitter?: number;
  /** Longest `forceFlush()` / `shutdown()` wait. Default 10000. */
  flushTimeoutMillis?: number;
  /** Rewrite label names to `[A-Za-z_][A-Za-z0-9_]*` (pre-2.0 Pyroscope, `disable_label_sanitization=false`). Default false. */
  legacyLabelNames?: boolean;
  /** Pyroscope's `max_label_names_per_series`. Default 30. */
  maxLabelNamesPerSeries?: number;
  /** Pyroscope's `max_label_name_length`. Default 1024. */
  maxLabelNameLength?: number;
  /** Pyroscope's `max_label_value_length`. Default 2048. */
  maxLabelValueLength?: number;
  /** Pyroscope's `max_profile_stacktrace_sample_labels`. Default 100. */
  maxSampleLabels?: number;
  /** Meter provider for the self-metrics. Default: the global one. */
  meterProvider?: MeterProvider;
}

/** Options after validation and defaults. */
export interface ResolvedPyroscopeOptions {
  endpoint: URL;
  route: 'push' | 'ingest';
  headers: Record<string, string>;
  tls: TlsOptions | undefined;
  timeoutMillis: number;
  keepAliveMillis: number;
  maxQueueItems: number;
  maxQueueBytes: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  flushTimeoutMillis: number;
  labelRules: LabelRules;
  meterProvider: MeterProvider | undefined;
}

const KEYS = ['endpoint', 'route', 'authToken', 'basicAuth', 'tenantId', 'headers', 'tls', 'timeoutMillis', 'keepAliveMillis',
  'maxQueueItems', 'maxQueueBytes', 'maxAttempts', 'initialBackoffMillis', 'maxBackoffMillis', 'maxRetryAfterMillis', 'jitter',
  'flushTimeoutMillis', 'legacyLabelNames', 'maxLabelNamesPerSeries', 'maxLabelNameLength', 'maxLabelValueLength',
  'maxSampleLabels', 'meterProvider'] as const;

/** Validates `o` and fills defaults. Throws `InvalidArgumentError` naming the option and rule. */
export function resolvePyroscopeOptions(o: PyroscopeExporterOptions = {}): ResolvedPyroscopeOptions {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError(`options must be an object (actual: ${String(o)})`);
  knownKeys('PyroscopeExporter', o, KEYS);
  const route = o.route ?? 'push';
  if (route !== 'push' && route !== 'ingest') throw new InvalidArgumentError(`route must be "push" or "ingest" (actual: ${JSON.stringify(route)})`);
  const initialBackoffMillis = timerMillis('initialBackoffMillis', o.initialBackoffMillis, DEFAULT_BACKOFF.initialBackoffMillis);
  const maxBackoffMillis = timerMillis('maxBackoffMillis', o.maxBackoffMillis, Math.max(DEFAULT_BACKOFF.maxBackoffMillis, initialBackoffMillis));
  if (maxBackoffMillis < initialBackoffMillis) {
    throw new InvalidArgumentError(`maxBackoffMillis must be >= initialBackoffMillis (actual: ${maxBackoffMillis} < ${initialBackoffMillis})`);
  }
  return {
    endpoint: httpUrl('endpoint', o.endpoint ?? 'http://localhost:4040'),
    route,
    headers: { ...headerRecord('headers', o.headers), ...authHeaders(o) },
    tls: o.tls,
    timeoutMillis: timerMillis('timeoutMillis', o.timeoutMillis, 10_000),
    keepAliveMillis: timerMillis('keepAliveMillis', o.keepAliveMillis, 15_000),
    maxQueueItems: positiveInt('maxQueueItems', o.maxQueueItems, 32),
    maxQueueBytes: positiveInt('maxQueueBytes', o.maxQueueBytes, 32 << 20),
    maxAttempts: positiveInt('maxAttempts', o.maxAttempts, 5),
    backoff: {
      initialBackoffMillis,
      maxBackoffMillis,
      maxRetryAfterMillis: timerDelayMillis('maxRetryAfterMillis', o.maxRetryAfterMillis, DEFAULT_BACKOFF.maxRetryAfterMillis),
      jitter: fraction('jitter', o.jitter, DEFAULT_BACKOFF.jitter),
    },
    flushTimeoutMillis: timerMillis('flushTimeoutMillis', o.flushTimeoutMillis, 10_000),
    labelRules: {
      legacyLabelNames: bool('legacyLabelNames', o.legacyLabelNames, DEFAULT_LABEL_RULES.legacyLabelNames),
      maxLabelNamesPerSeries: atLeast('maxLabelNamesPerSeries', o.maxLabelNamesPerSeries, DEFAULT_LABEL_RULES.maxLabelNamesPerSeries, 4),
      maxLabelNameLength: atLeast('maxLabelNameLength', o.maxLabelNameLength, DEFAULT_LABEL_RULES.maxLabelNameLength, 16),
      maxLabelValueLength: atLeast('maxLabelValueLength', o.maxLabelValueLength, DEFAULT_LABEL_RULES.maxLabelValueLength, 16),
      maxSampleLabels: positiveInt('maxSampleLabels', o.maxSampleLabels, DEFAULT_LABEL_RULES.maxSampleLabels),
    },
    meterProvider: o.meterProvider,
  };
}

/** Fixed labels (`__name__`, `__delta__`, `service_name`, `pyroscope_spy`) must fit, so limits have floors. */
function atLeast(name: string, value: unknown, fallback: number, min: number): number {
  const n = positiveInt(name, value, fallback);
  if (n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min} (actual: ${n})`);
  return n;
}

const TENANT_ID = /^[A-Za-z0-9!\-_.*'()]{1,150}$/;

function authHeaders(o: PyroscopeExporterOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const token = str('authToken', o.authToken, undefined);
  if (token !== undefined && o.basicAuth !== undefined) throw new InvalidArgumentError('authToken and basicAuth are exclusive: set one of them');
  if (token !== undefined) {
    if (!isHeaderValue(token)) throw new InvalidArgumentError(`authToken must be ${HEADER_VALUE_RULE} (actual: <redacted>)`);
    out.authorization = `Bearer ${token}`;
  }
  if (o.basicAuth !== undefined) {
    const b = o.basicAuth as { username?: unknown; password?: unknown };
    const user = str('basicAuth.username', b?.username, undefined);
    const pass = str('basicAuth.password', b?.password, undefined, false);
    if (user === undefined || pass === undefined) throw new InvalidArgumentError('basicAuth must be { username: string; password: string }');
    if (user.includes(':')) throw new InvalidArgumentError(`basicAuth.username must not contain ":" (actual: ${JSON.stringify(user)})`);
    out.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
  }
  const tenant = str('tenantId', o.tenantId, undefined);
  if (tenant !== undefined) {
    if (!TENANT_ID.test(tenant) || tenant === '.' || tenant === '..') {
      throw new InvalidArgumentError(`tenantId must be 1-150 characters of A-Za-z0-9!-_.*'() and not "." or ".." (actual: ${JSON.stringify(tenant)})`);
    }
    out['x-scope-orgid'] = tenant;
  }
  return out;
}
