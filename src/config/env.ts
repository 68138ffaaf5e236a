/**
 * Reads every otelprof setting from the environment: Pyroscope SDK names (`PYROSCOPE_*`),
 * OpenTelemetry names (`OTEL_*`) and `OTELPROF_*` for the rest. Blank counts as unset; a
 * specific variable wins over the generic one; invalid values become issues and read as unset.
 */
import { EnvReader, type Env } from './env-reader';
import type { ConfigIssue } from './issues';
import { readOtlpEnv, OTLP_SECRET_VARS, type OtlpEnvConfig } from './otlp-env';
import { EXPORTER_NAMES, HEAP_MODES, LIMITS, PYROSCOPE_ROUTES, SAMPLER_BACKENDS, type ExporterName, type ProfilingOptions } from './options';
import {
  HEADER_NAME_RE, HEADER_VALUE_RULE, RESERVED_LABEL_RULE, TENANT_ID_RULE,
  isHeaderSafe, isHeaderValue, isReservedLabelName, isTenantId, parseDurationMillis, parseHttpUrl, parseLabelList, parseResourceAttributes,
} from './parse';

/** Variables whose values are never echoed in issues. */
export const SECRET_VARS: readonly string[] = [
  'PYROSCOPE_AUTH_TOKEN', 'PYROSCOPE_BASIC_AUTH_PASSWORD', 'PYROSCOPE_HTTP_HEADERS', ...OTLP_SECRET_VARS,
];

/** What the environment configured (unset = not configured or invalid), and the issues. */
export interface EnvSettings {
  options: Omit<ProfilingOptions, 'otlp'>;
  otlp: OtlpEnvConfig;
  issues: ConfigIssue[];
}

const URL_RULE = 'an http: or https: URL without credentials, query or fragment';

/** Reads `env` (default `process.env`). Never throws. */
export function readEnv(env: Env = process.env): EnvSettings {
  const r = new EnvReader(env, SECRET_VARS);
  const o: Omit<ProfilingOptions, 'otlp'> = {};
  o.enabled = r.bool('OTELPROF_ENABLED');
  o.serviceName = r.first(['PYROSCOPE_APPLICATION_NAME', 'OTEL_SERVICE_NAME'], (n) => r.string(n));
  o.resourceAttributes = r.parsed('OTEL_RESOURCE_ATTRIBUTES', 'comma-separated key=value pairs (percent-encoded)', parseResourceAttributes);
  o.serviceName ??= o.resourceAttributes?.['service.name'] || undefined;
  // Pyroscope SDKs let the ad-hoc address win over every other setting (see docs/configuration.md).
  o.serverAddress = r.first(['PYROSCOPE_ADHOC_SERVER_ADDRESS', 'PYROSCOPE_SERVER_ADDRESS'], (n) => r.parsed(n, URL_RULE, parseHttpUrl))?.href.replace(/\/$/, '');
  readAuth(r, o);
  o.labels = r.parsed('PYROSCOPE_LABELS', `comma-separated key=value pairs with label names ([A-Za-z_][A-Za-z0-9_.]*), ${RESERVED_LABEL_RULE}`, (s) => {
    const labels = parseLabelList(s);
    return labels && !Object.keys(labels).some(isReservedLabelName) ? labels : undefined;
  });
  o.pyroscopeRoute = r.oneOf('OTELPROF_PYROSCOPE_ROUTE', PYROSCOPE_ROUTES);
  o.legacyLabelNames = r.bool('OTELPROF_LEGACY_LABEL_NAMES');
  o.httpHeaders = r.parsed('PYROSCOPE_HTTP_HEADERS', 'a JSON object of header names to strings of printable ASCII or Latin-1', parseJsonHeaders);
  o.uploadIntervalMillis = r.first(['PYROSCOPE_UPLOAD_INTERVAL', 'PYROSCOPE_FLUSH_INTERVAL_MS'], (n) =>
    n === 'PYROSCOPE_FLUSH_INTERVAL_MS' ? r.int(n, 1, LIMITS.maxTimerMillis) : roundMillis(r.durationMillis(n, 1)),
  );
  o.profileTypes = r.parsed('OTELPROF_PROFILE_TYPES', 'a comma-separated list of profile types (cpu, wall, heap, allocs, goroutine, threadcreate, block, mutex or custom names without spaces)', parseProfileTypes);
  o.sampler = r.oneOf('OTELPROF_SAMPLER', SAMPLER_BACKENDS);
  o.cpuHz = r.int('OTELPROF_CPU_HZ', 1, LIMITS.maxCpuHz);
  o.heapMode = r.oneOf('OTELPROF_HEAP_MODE', HEAP_MODES);
  o.heapSamplingIntervalBytes = r.first(['OTELPROF_HEAP_SAMPLING_INTERVAL_BYTES', 'PYROSCOPE_HEAP_SAMPLING_INTERVAL_BYTES'], (n) => r.int(n, 1));
  o.heapStackDepth = r.first(['OTELPROF_HEAP_STACK_DEPTH', 'PYROSCOPE_HEAP_STACK_DEPTH'], (n) => r.int(n, 1, LIMITS.maxHeapStackDepth));
  o.blockProfileRateNanos = r.parsed('OTELPROF_BLOCK_PROFILE_RATE', `a duration such as 10ms (or a number of nanoseconds), from 0 to ${Number.MAX_SAFE_INTEGER} ns`, parseDurationNanos);
  o.mutexProfileFraction = r.int('OTELPROF_MUTEX_PROFILE_FRACTION', 0);
  o.goroutineStacks = r.bool('OTELPROF_GOROUTINE_STACKS');
  o.goroutinePromises = r.bool('OTELPROF_GOROUTINE_PROMISES');
  o.exporters = r.parsed('OTELPROF_EXPORTERS', 'a comma-separated list of pyroscope, otlp, file (or none)', parseExporters);
  o.fileExportDir = r.string('OTELPROF_FILE_DIR');
  o.pprofPort = r.int('OTELPROF_PPROF_PORT', 0, LIMITS.maxPort);
  o.pprofHost = r.string('OTELPROF_PPROF_HOST');
  o.exportTimeoutMillis = roundMillis(r.durationMillis('OTELPROF_EXPORT_TIMEOUT', 1, 'ms'));
  o.shutdownTimeoutMillis = roundMillis(r.durationMillis('OTELPROF_SHUTDOWN_TIMEOUT', 1, 'ms'));
  o.maxQueueItems = r.int('OTELPROF_MAX_QUEUE_ITEMS', 1);
  o.maxQueueBytes = r.int('OTELPROF_MAX_QUEUE_BYTES', 1);
  o.maxAttempts = r.int('OTELPROF_MAX_ATTEMPTS', 1);
  const otlp = readOtlpEnv(r);
  return { options: o, otlp, issues: r.issues };
}

/** Basic auth needs both variables; with basic auth set, a token is ignored (reported). */
function readAuth(r: EnvReader, o: Omit<ProfilingOptions, 'otlp'>): void {
  const user = r.parsed('PYROSCOPE_BASIC_AUTH_USER', 'a user name without ":"', (s) => (s.includes(':') ? undefined : s));
  const password = r.parsed('PYROSCOPE_BASIC_AUTH_PASSWORD', HEADER_SAFE_RULE, headerSafe);
  if (user !== undefined && password !== undefined) o.basicAuth = { username: user, password };
  else if (user !== undefined) r.invalid('PYROSCOPE_BASIC_AUTH_USER', user, 'PYROSCOPE_BASIC_AUTH_PASSWORD to be set too');
  else if (password !== undefined) r.invalid('PYROSCOPE_BASIC_AUTH_PASSWORD', password, 'PYROSCOPE_BASIC_AUTH_USER to be set too');
  const token = r.parsed('PYROSCOPE_AUTH_TOKEN', HEADER_VALUE_RULE, (s) => (isHeaderValue(s) ? s : undefined));
  if (token !== undefined && o.basicAuth) r.invalid('PYROSCOPE_AUTH_TOKEN', token, 'unset when basic auth is configured (basic auth is used)');
  else o.authToken = token;
  o.tenantId = r.parsed('PYROSCOPE_TENANT_ID', TENANT_ID_RULE, (s) => (isTenantId(s) ? s : undefined));
}

const HEADER_SAFE_RULE = 'a value without CR, LF or NUL';
function headerSafe(s: string): string | undefined {
  return isHeaderSafe(s) ? s : undefined;
}

function roundMillis(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.max(1, Math.round(ms));
}

/**
 * A duration with unit, or a bare integer read as nanoseconds (Go's SetBlockProfileRate unit), as a
 * whole number of nanoseconds; undefined past `Number.MAX_SAFE_INTEGER` (about 104 days).
 */
function parseDurationNanos(s: string): number | undefined {
  const ns = /^\d+$/.test(s) ? Number(s) : Math.round((parseDurationMillis(s) ?? NaN) * 1e6);
  return Number.isSafeInteger(ns) ? ns : undefined;
}

function parseList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function parseProfileTypes(s: string): string[] | undefined {
  const list = parseList(s);
  return list.length > 0 && list.every((t) => !/\s/.test(t)) ? [...new Set(list)] : undefined;
}

function parseExporters(s: string): ExporterName[] | undefined {
  const list = parseList(s.toLowerCase());
  if (list.length === 1 && list[0] === 'none') return [];
  if (list.length === 0 || !list.every((x) => (EXPORTER_NAMES as readonly string[]).includes(x))) return undefined;
  return [...new Set(list)] as ExporterName[];
}

function parseJsonHeaders(s: string): Record<string, string> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (!HEADER_NAME_RE.test(k) || typeof val !== 'string' || !isHeaderValue(val)) return undefined;
    out[k.toLowerCase()] = val;
  }
  return out;
}
