import { InvalidArgumentError } from '../../src/errors';
import { HEADER_VALUE_RULE, isHeaderValue } from '../../src/config/parse';
import { LIMITS } from '../../src/config/options';

/**
 * Option checks shared by the exporters. Each throws `InvalidArgumentError` naming the option,
 * the rule and the value it got, e.g. `maxAttempts must be a positive integer (actual: -1)`.
 */

function fail(name: string, rule: string, value: unknown): never {
  throw new InvalidArgumentError(`${name} must be ${rule} (actual: ${describe(value)})`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A positive safe integer, or `fallback` when undefined. */
export function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) fail(name, 'a positive integer', value);
  return value;
}

/**
 * A delay or timeout in milliseconds: a positive integer a Node timer can hold (at most 2^31 - 1;
 * a longer one fires after 1 ms), or `fallback` when undefined.
 */
export function timerMillis(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const max = LIMITS.maxTimerMillis;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > max) fail(name, `an integer from 1 to ${max}`, value);
  return value;
}

/** A non-negative number of milliseconds a Node timer can hold (at most 2^31 - 1), or `fallback`. */
export function timerDelayMillis(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const max = LIMITS.maxTimerMillis;
  if (typeof value !== 'number' || !(value >= 0 && value <= max)) fail(name, `a number from 0 to ${max}`, value);
  return value;
}

/** A number in [0, 1], or `fallback` when undefined. */
export function fraction(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(name, 'a number between 0 and 1', value);
  return value;
}

/** A boolean, or `fallback` when undefined. */
export function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

/** A string, or `fallback` when undefined; `nonEmpty` rejects ''. */
export function str(name: string, value: unknown, fallback: string | undefined, nonEmpty = true): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) fail(name, nonEmpty ? 'a non-empty string' : 'a string', value);
  return value;
}

/** An `http:` or `https:` URL without credentials, query or fragment. */
export function httpUrl(name: string, value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) fail(name, 'an http: or https: URL', value);
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return fail(name, 'an http: or https: URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(name, 'an http: or https: URL', value);
  if (url.username || url.password) fail(name, 'a URL without credentials (use basicAuth)', String(value));
  if (url.search || url.hash) fail(name, 'a URL without query or fragment', String(value));
  return url;
}

/** A record of header values (names checked as HTTP tokens, values as `HEADER_VALUE_RULE`), or `{}` when undefined. */
export function headerRecord(name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, 'an object of string values', value);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) fail(`${name} key`, 'an HTTP header name', k);
    if (typeof v !== 'string' || !isHeaderValue(v)) fail(`${name}[${JSON.stringify(k)}]`, HEADER_VALUE_RULE, v);
    out[k.toLowerCase()] = v;
  }
  return out;
}

/** Rejects keys not in `allowed` (catches typos such as `timeoutMs`). */
export function knownKeys(name: string, value: object, allowed: readonly string[]): void {
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) throw new InvalidArgumentError(`${name}: unknown option ${JSON.stringify(k)} (known: ${allowed.join(', ')})`);
  }
}
