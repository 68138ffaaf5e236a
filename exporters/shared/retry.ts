/** Retry policy of the HTTP exporters: exponential backoff with jitter, honouring `Retry-After`. */

/** Backoff settings (all milliseconds). */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialBackoffMillis: number;
  /** Upper bound of the exponential delay. */
  maxBackoffMillis: number;
  /** Upper bound applied to a server's `Retry-After`. */
  maxRetryAfterMillis: number;
  /** Fraction of the delay randomised away (0..1): the delay is drawn from [d*(1-jitter), d]. */
  jitter: number;
}

/** Defaults: 1 s, doubling to 30 s, `Retry-After` capped at 5 min, 20 % jitter. */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({
  initialBackoffMillis: 1000,
  maxBackoffMillis: 30_000,
  maxRetryAfterMillis: 300_000,
  jitter: 0.2,
});

/**
 * Delay before retry number `attempt` (1 = first retry). A server's `Retry-After` wins when it is
 * longer than the computed backoff (capped at `maxRetryAfterMillis`).
 */
export function backoffMillis(policy: BackoffPolicy, attempt: number, retryAfterMillis?: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxBackoffMillis, policy.initialBackoffMillis * 2 ** Math.max(0, attempt - 1));
  // Jitter spreads retries of many pods that failed at the same moment.
  const jittered = exp * (1 - policy.jitter * random());
  if (retryAfterMillis === undefined) return Math.round(jittered);
  return Math.round(Math.max(jittered, Math.min(retryAfterMillis, policy.maxRetryAfterMillis)));
}

/**
 * Parses `Retry-After` (delay seconds or an HTTP date) into milliseconds from `nowMillis`.
 * Returns undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMillis = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const trimmed = v.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always has a weekday/month name; this keeps "-5" from parsing as a year.
  const date = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMillis);
}

/** Whether a response status is worth retrying: 429 and every 5xx. Other 4xx never are. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * OTLP/HTTP's retryable statuses (the OTLP specification, "Retryable Response Codes"): 429, 502,
 * 503, 504. Every other 4xx and 5xx is final; a 500 from a collector means a request it cannot
 * take, and sending it again would only fail again.
 */
export function isOtlpRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}
