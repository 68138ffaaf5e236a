/**
 * Errors of the OpenTelemetry integration. Thrown only by the explicit setup helpers the user
 * calls (`withProfiling`, `checkOtelApi`), never from span or context hooks.
 */
import { OtelprofError } from '../errors';

/** `@opentelemetry/api` (or a package a setup helper needs) is missing or too old. */
export class OtelApiError extends OtelprofError {
  constructor(code: 'PPROF_ERR_OTEL_API_MISSING' | 'PPROF_ERR_OTEL_API_INCOMPATIBLE', message: string) {
    super(code, message);
  }
}

/** The `@opentelemetry/sdk-node` in use lacks what `withProfiling()` needs to keep its exporters. */
export class OtelSdkIncompatibleError extends OtelprofError {
  constructor(message: string) {
    super('PPROF_ERR_OTEL_SDK_INCOMPATIBLE', message);
  }
}
