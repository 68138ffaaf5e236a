/**
 * Typed reads of environment variables that never throw: a blank value counts as unset, an
 * invalid one is recorded as a {@link ConfigIssue} and read as unset, so the caller falls back.
 */
import { configIssue, type ConfigIssue } from './issues';
import { parseDurationMillis } from './parse';
import { LIMITS } from './options';

/** The environment, as `process.env` holds it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads one environment; collects the issues of every read. */
export class EnvReader {
  /** Issues found so far, in read order. */
  readonly issues: ConfigIssue[] = [];
  private readonly _env: Env;
  private readonly _secret: ReadonlySet<string>;

  /** `secret` names variables whose values must never appear in issues or logs. */
  constructor(env: Env, secret: readonly string[] = []) {
    this._env = env;
    this._secret = new Set(secret);
  }

  /** The trimmed value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const v = this._env[name];
    if (v === undefined) return undefined;
    const t = v.trim();
    return t === '' ? undefined : t;
  }

  /** Records an issue for `name` and returns undefined (the caller falls back). */
  invalid(name: string, value: string, expected: string): undefined {
    this.issues.push(configIssue(name, this._secret.has(name) ? '<redacted>' : value, expected));
    return undefined;
  }

  /** Reads with `parse` (undefined = invalid against `expected`). */
  parsed<T>(name: string, expected: string, parse: (raw: string) => T | undefined): T | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const v = parse(raw);
    return v === undefined ? this.invalid(name, raw, expected) : v;
  }

  /** The first of `names` that is set and valid (a specific variable before its generic one). */
  first<T>(names: readonly string[], read: (name: string) => T | undefined): T | undefined {
    for (const n of names) {
      const v = read(n);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** A non-empty string. */
  string(name: string): string | undefined {
    return this.raw(name);
  }

  /** An integer in [min, max]. */
  int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const rule = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    return this.parsed(name, rule, (s) => {
      if (!/^[+-]?\d+$/.test(s)) return undefined;
      const n = Number(s);
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    });
  }

  /** A number in [min, max]. */
  number(name: string, min: number, max: number): number | undefined {
    return this.parsed(name, `a number from ${min} to ${max}`, (s) => {
      const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
      return n >= min && n <= max ? n : undefined;
    });
  }

  /**
   * A duration with a unit (`10s`, `500ms`, `1m30s`) or, when `bareUnit` is given, a plain number in
   * that unit. Must be >= `minMillis` and at most a Node timer's limit (2147483647 ms, about 24.8 days).
   */
  durationMillis(name: string, minMillis: number, bareUnit?: 'ms' | 's' | 'ns'): number | undefined {
    const max = LIMITS.maxTimerMillis;
    const rule = `a duration such as 10s or 500ms${bareUnit ? ` (or a number of ${bareUnit === 'ms' ? 'milliseconds' : bareUnit === 's' ? 'seconds' : 'nanoseconds'})` : ''}${minMillis > 0 ? `, at least ${minMillis} ms` : ''}, at most ${max} ms`;
    return this.parsed(name, rule, (s) => {
      const ms = parseDurationMillis(s, bareUnit);
      return ms !== undefined && ms >= minMillis && ms <= max ? ms : undefined;
    });
  }

  /** `true/false`, `1/0`, `yes/no`, `on/off` (any case). */
  bool(name: string): boolean | undefined {
    return this.parsed(name, 'true or false', (s) => {
      const l = s.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(l)) return true;
      if (['false', '0', 'no', 'off'].includes(l)) return false;
      return undefined;
    });
  }

  /** One of `allowed` (case-insensitive; returned as listed). */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    return this.parsed(name, `one of ${allowed.join(', ')}`, (s) => allowed.find((a) => a.toLowerCase() === s.toLowerCase()));
  }
}
