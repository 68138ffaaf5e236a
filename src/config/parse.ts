/**
 * Pure parsers for configuration strings: durations, `k=v` lists, OTLP header lists. Each returns
 * undefined on malformed input (the caller decides whether that throws or warns).
 */

const UNIT_MILLIS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go-style duration (`10s`, `500ms`, `1m30s`, `1.5s`, `.5s`, units ns/us/ms/s/m/h) into
 * milliseconds (fractions kept). A plain number is read in `bareUnit` if given, else rejected.
 */
export function parseDurationMillis(s: string, bareUnit?: 'ms' | 's' | 'ns'): number | undefined {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return bareUnit === undefined ? undefined : Number(t) * UNIT_MILLIS[bareUnit];
  // As Go's ParseDuration: digits before or after the point may be missing (`.5s`, `1.s`), not both.
  const re = /(\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MILLIS[m[2]];
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/**
 * Parses static labels: `k=v,k2=v2` (Pyroscope Java/Node) or `k:v,k2:v2` (Pyroscope .NET). Keys and
 * values are trimmed; empty entries are skipped. Returns undefined when an entry has no separator,
 * an empty key, or a key that is not a valid label name (`[A-Za-z_][A-Za-z0-9_.]*`).
 */
export function parseLabelList(s: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of s.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const sep = eq >= 0 ? eq : entry.indexOf(':');
    if (sep <= 0) return undefined;
    const key = entry.slice(0, sep).trim();
    if (!LABEL_NAME_RE.test(key)) return undefined;
    out[key] = entry.slice(sep + 1).trim();
  }
  return out;
}

/** Label names otelprof accepts for static labels (Pyroscope's legacy rule plus dots). */
export const LABEL_NAME_RE = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Why static labels may not use {@link isReservedLabelName} names. */
export const RESERVED_LABEL_RULE = 'not reserved (__* and service_name are set by otelprof)';

/** Label names otelprof sets itself: Pyroscope's `__*` (`__name__` is the profile type) and `service_name`. */
export function isReservedLabelName(name: string): boolean {
  return name.startsWith('__') || name === 'service_name';
}

/** HTTP header names (RFC 9110 tokens). */
export const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses an OTLP header list (`OTEL_EXPORTER_OTLP_HEADERS`): `k=v,k2=v2`, W3C-baggage style,
 * percent-decoded, keys lowercased. Returns undefined on an entry without `=`, a bad header name,
 * bad percent-encoding, or a value with CR/LF/NUL.
 */
export function parseHeaderList(s: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of s.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) return undefined;
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(entry.slice(0, eq).trim());
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
    if (!HEADER_NAME_RE.test(key) || !isHeaderValue(value)) return undefined;
    out[key.toLowerCase()] = value;
  }
  return out;
}

/**
 * Parses `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`, percent-encoded). Per the OTel spec the whole
 * value is discarded on any malformed entry: returns undefined then.
 */
export function parseResourceAttributes(s: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const entry of s.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    if (eq <= 0 || entry.indexOf('=', eq + 1) >= 0) return undefined;
    try {
      const key = decodeURIComponent(entry.slice(0, eq).trim());
      if (key === '') return undefined;
      out[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return out;
}

/** An `http:`/`https:` URL without credentials, query or fragment, else undefined. */
export function parseHttpUrl(s: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  return url;
}

/** Pyroscope tenant ids (`X-Scope-OrgID`): 1-150 of `A-Za-z0-9!-_.*'()`, not `.` or `..`. */
export const TENANT_ID_RULE = `1-150 characters of A-Za-z0-9!-_.*'() and not "." or ".."`;
const TENANT_ID_RE = /^[A-Za-z0-9!\-_.*'()]{1,150}$/;

/** Whether `s` is a valid Pyroscope tenant id. */
export function isTenantId(s: string): boolean {
  return TENANT_ID_RE.test(s) && s !== '.' && s !== '..';
}

/** Whether `s` holds no CR, LF or NUL (values that end up base64-encoded or in a URL). */
export function isHeaderSafe(s: string): boolean {
  return !/[\r\n\0]/.test(s);
}

/**
 * What an HTTP header value may hold as sent: tabs, printable ASCII and Latin-1 (the same
 * rule node:http applies). Other characters would fail every upload, so options refuse them.
 */
export const HEADER_VALUE_RULE = 'a string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF)';
const HEADER_VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Whether `s` can be sent as an HTTP header value. */
export function isHeaderValue(s: string): boolean {
  return HEADER_VALUE_RE.test(s);
}
