/**
 * Error classes shared by every box. Each carries a stable `code` (`PPROF_ERR_*`) so callers can
 * branch without parsing messages; messages keep Go's wording where Go has one.
 */
export class OtelprofError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** `@opentelemetry/api` (or a package a setup helper needs) is missing or too old. */
export class OtelApiError extends OtelprofError {
  constructor(code: 'PPROF_ERR_OTEL_API_MISSING' | 'PPROF_ERR_OTEL_API_INCOMPATIBLE', message: string) {
    super(code, message);
  }
}

/** Bad input from code: names the value and the rule it broke. */
export class InvalidArgumentError extends OtelprofError {
  constructor(message: string) {
    super('PPROF_ERR_INVALID_ARG', message);
  }
}
