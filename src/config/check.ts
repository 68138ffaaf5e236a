/**
 * Checks of options given in code. Each failure throws `InvalidArgumentError` naming the option
 * and the rule, with the value received: `uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: -1)`.
 */
import { InvalidArgumentError } from '../errors';
import { HEADER_NAME_RE, HEADER_VALUE_RULE, LABEL_NAME_RE, RESERVED_LABEL_RULE, TENANT_ID_RULE, isHeaderSafe, isHeaderValue, isReservedLabelName, isTenantId, parseHttpUrl } from './parse';

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  // A Map or a fetch Headers prints as {}: say which it is.
  const kind = typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value) ? `${objectTag(value)} ` : '';
  try {
    return kind + (JSON.stringify(value) ?? String(value));
  } catch {
    return kind + String(value);
  }
}

function objectTag(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** An object literal (or one made by JSON.parse / Object.create(null)), not a Map, Headers or other class instance with a tag. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && objectTag(value) === 'Object';
}

/** Throws `InvalidArgumentError("<name> must be <rule> (actual: <value>)")`. */
export function fail(name: string, rule: string, value: unknown): never {
  throw new InvalidArgumentError(`${name} must be ${rule} (actual: ${describe(value)})`);
}

/** `fail` for a secret: the value is shown only when it is undefined (error messages end up in logs). */
export function failSecret(name: string, rule: string, value: unknown): never {
  throw new InvalidArgumentError(`${name} must be ${rule} (actual: ${value === undefined ? 'undefined' : '<redacted>'})`);
}

/** An integer in [min, max] (safe integers only). */
export function int(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const rule = min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive integer'
      : min === 0 && max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer'
        : `an integer from ${min} to ${max}`;
    fail(name, rule, value);
  }
  return value;
}

/** A boolean. */
export function bool(name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

/** A non-empty string (after trimming). */
export function text(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(name, 'a non-empty string', value);
  return value;
}

/** One of `allowed`. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly unknown[]).includes(value)) fail(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  return value as T;
}

/** An http(s) URL without credentials, query or fragment; returned without a trailing slash. */
export function url(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const u = typeof value === 'string' ? parseHttpUrl(value) : undefined;
  if (!u) fail(name, 'an http: or https: URL without credentials, query or fragment', value);
  return u.href.replace(/\/$/, '');
}

const NO_CR_LF_NUL = 'a string without CR, LF or NUL';

/** A plain object of string values whose keys match `keyRule` (values by default without CR, LF or NUL). */
export function stringRecord(name: string, value: unknown, keyRe: RegExp, keyRule: string,
  valueOk: (v: string) => boolean = isHeaderSafe, valueRule = NO_CR_LF_NUL): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) fail(name, 'a plain object of string values', value);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!keyRe.test(k)) fail(`${name} key`, keyRule, k);
    if (typeof v !== 'string' || !valueOk(v)) fail(`${name}[${JSON.stringify(k)}]`, valueRule, v);
    out[k] = v;
  }
  return out;
}

/** Static labels: label-name keys, not Pyroscope's reserved `__*` or `service_name`. */
export function labels(name: string, value: unknown): Record<string, string> | undefined {
  const rec = stringRecord(name, value, LABEL_NAME_RE, 'a label name ([A-Za-z_][A-Za-z0-9_.]*)');
  for (const k of Object.keys(rec ?? {})) {
    if (isReservedLabelName(k)) fail(`${name} key`, RESERVED_LABEL_RULE, k);
  }
  return rec;
}

/** HTTP headers: RFC 9110 token names, lowercased. */
export function headers(name: string, value: unknown): Record<string, string> | undefined {
  const rec = stringRecord(name, value, HEADER_NAME_RE, 'an HTTP header name', isHeaderValue, HEADER_VALUE_RULE);
  return rec && Object.fromEntries(Object.entries(rec).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A non-empty array of non-empty strings without whitespace, from `allowed` when given; deduplicated. */
export function list<T extends string>(name: string, value: unknown, rule: string, allowed?: readonly T[], allowEmpty = false): T[] | undefined {
  if (value === undefined) return undefined;
  const ok = Array.isArray(value) && (allowEmpty || value.length > 0)
    && value.every((x) => typeof x === 'string' && x !== '' && !/\s/.test(x) && (!allowed || (allowed as readonly string[]).includes(x)));
  if (!ok) fail(name, rule, value);
  return [...new Set(value as T[])];
}

/** Rejects keys not in `allowed` (catches typos such as `uploadIntervalMs`). */
export function knownKeys(name: string, value: object, allowed: readonly string[]): void {
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) throw new InvalidArgumentError(`${name}: unknown option ${JSON.stringify(k)}`);
  }
}

/** A Pyroscope tenant id (see `TENANT_ID_RULE`). */
export function tenantId(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isTenantId(value)) fail(name, TENANT_ID_RULE, value);
  return value;
}

/** A secret, non-empty, sent as an HTTP header value as it is (see `HEADER_VALUE_RULE`). */
export function secretHeaderValue(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || !isHeaderValue(value)) failSecret(name, `a non-empty ${HEADER_VALUE_RULE.replace(/^a /, '')}`, value);
  return value;
}

/** A non-empty string without CR, LF or NUL (a credential that is sent base64-encoded). */
export function credential(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || !isHeaderSafe(value)) fail(name, `a non-empty ${NO_CR_LF_NUL.replace(/^a /, '')}`, value);
  return value;
}
