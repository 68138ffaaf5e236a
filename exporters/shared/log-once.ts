import type { DiagLogger } from '@opentelemetry/api';
import { componentLogger } from '../../src/otel-api';

/**
 * Logs each kind of problem once through the OTel diag logger, then only counts repeats, so a
 * collector that is down for an hour produces a handful of lines instead of one per period.
 * Repeats are reported again at 10, 100, 1000, ... occurrences.
 */
export class LogOnce {
  private readonly _logger: DiagLogger;
  private readonly _counts = new Map<string, number>();

  /** `namespace` is the diag component, e.g. `otelprof/exporters/pyroscope`. */
  constructor(namespace: string) {
    this._logger = componentLogger(namespace);
  }

  /** Warns about `kind` (a stable key such as `http-500`) the first time and at powers of ten. */
  warn(kind: string, message: string): void {
    this._log('warn', kind, message);
  }

  /** Like `warn`, at error level (data was lost for good). */
  error(kind: string, message: string): void {
    this._log('error', kind, message);
  }

  /** Lifecycle detail, always logged at debug level (cheap when diag is off). */
  debug(message: string): void {
    this._logger.debug(message);
  }

  /** How many times `kind` was reported (tests and shutdown summaries). */
  count(kind: string): number {
    return this._counts.get(kind) ?? 0;
  }

  private _log(level: 'warn' | 'error', kind: string, message: string): void {
    const n = (this._counts.get(kind) ?? 0) + 1;
    this._counts.set(kind, n);
    if (n === 1) this._logger[level](message);
    else if (isPowerOfTen(n)) this._logger[level](`${message} (repeated ${n} times)`);
  }
}

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}
