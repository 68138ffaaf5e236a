/**
 * OTLP exporter settings from the environment, after the OTLP exporter spec
 * (`specification/protocol/exporter.md`) with the project convention
 * `OTEL_EXPORTER_OTLP_PROFILES_*` for the profiles signal (the spec defines no profiles variables
 * yet; collectors and Pyroscope serve the path below). A signal-specific variable wins over the
 * generic one; for headers, both are merged and the specific one wins per key.
 */
import type { EnvReader } from './env-reader';
import { parseHeaderList, parseHttpUrl } from './parse';
import { LIMITS } from './options';

/** OTLP/HTTP path of the profiles signal (opentelemetry-proto v1.10+). */
export const OTLP_PROFILES_PATH = '/v1development/profiles';

/** Default OTLP/HTTP endpoint (the collector's default port), with the profiles path. */
export const DEFAULT_OTLP_PROFILES_URL = `http://localhost:4318${OTLP_PROFILES_PATH}`;

/** What the environment says about the OTLP exporter; unset fields were not configured. */
export interface OtlpEnvConfig {
  /** Full URL the request is POSTed to. */
  url?: string;
  headers: Record<string, string>;
  compression?: 'gzip' | 'none';
  timeoutMillis?: number;
}

/** Names of the OTLP variables whose values are secret (never echoed in issues). */
export const OTLP_SECRET_VARS: readonly string[] = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_PROFILES_HEADERS'];

const URL_RULE = 'an http: or https: URL without credentials, query or fragment';
const HEADERS_RULE = 'comma-separated key=value pairs with HTTP header names (percent-encoded values of printable ASCII or Latin-1)';

/**
 * Reads `OTEL_EXPORTER_OTLP_PROFILES_{ENDPOINT,HEADERS,COMPRESSION,TIMEOUT,PROTOCOL}` and their
 * generic `OTEL_EXPORTER_OTLP_*` fallbacks. The specific endpoint is used as-is; the generic one
 * gets `/v1development/profiles` appended to its path. Only `http/protobuf` is supported: another
 * `OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL` is reported and ignored. Invalid values are recorded on `reader`.
 */
export function readOtlpEnv(reader: EnvReader): OtlpEnvConfig {
  const specific = reader.parsed('OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT', URL_RULE, parseHttpUrl);
  const generic = specific ? undefined : reader.parsed('OTEL_EXPORTER_OTLP_ENDPOINT', URL_RULE, parseHttpUrl);
  const url = specific ? specific.href : generic ? appendPath(generic, OTLP_PROFILES_PATH) : undefined;
  const headers = {
    ...reader.parsed('OTEL_EXPORTER_OTLP_HEADERS', HEADERS_RULE, parseHeaderList),
    ...reader.parsed('OTEL_EXPORTER_OTLP_PROFILES_HEADERS', HEADERS_RULE, parseHeaderList),
  };
  const compression = reader.first(['OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'], (n) =>
    reader.oneOf(n, ['gzip', 'none'] as const),
  );
  const timeoutMillis = reader.first(['OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'], (n) => reader.int(n, 1, LIMITS.maxTimerMillis));
  // Only the profiles-specific protocol is checked: the generic one often says grpc for traces.
  reader.oneOf('OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL', ['http/protobuf'] as const);
  return { url, headers, compression, timeoutMillis };
}

/** `base` + `path`, without doubling the slash (`http://c:4318/` + `/v1development/profiles`). */
export function appendPath(base: URL, path: string): string {
  const u = new URL(base.href);
  u.pathname = u.pathname.replace(/\/+$/, '') + path;
  return u.href;
}
