/**
 * Bad environment values do not stop the host: each one is recorded as a {@link ConfigIssue}
 * (variable, rule, value), the setting falls back (to the generic variable, or the default), and
 * the issues are logged once at start through the OTel diag logger.
 */
import { componentLogger } from '../otel-api';

/** One invalid environment variable, as found while resolving the configuration. */
export interface ConfigIssue {
  /** The variable, e.g. `PYROSCOPE_UPLOAD_INTERVAL`. */
  readonly variable: string;
  /** Its raw value. Values of secret variables (tokens, passwords, headers) are replaced by `<redacted>`. */
  readonly value: string;
  /** What a valid value looks like, e.g. `a duration such as 10s or 500ms`. */
  readonly expected: string;
  /** The full warning: `Configuration: <variable> is invalid, expected <rule> (actual: "<value>"); ignoring it`. */
  readonly message: string;
}

/** Builds an issue with the standard message. */
export function configIssue(variable: string, value: string, expected: string): ConfigIssue {
  return {
    variable,
    value,
    expected,
    message: `Configuration: ${variable} is invalid, expected ${expected} (actual: ${JSON.stringify(value)}); ignoring it`,
  };
}

/**
 * Logs every issue as a warning under the `otelprof/config` diag namespace (a no-op unless the
 * application registered a diag logger). Never throws.
 */
export function reportConfigIssues(issues: readonly ConfigIssue[]): void {
  if (issues.length === 0) return;
  const logger = componentLogger('otelprof/config');
  for (const issue of issues) logger.warn(issue.message);
}
