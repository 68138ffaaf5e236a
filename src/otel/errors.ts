/**
 * Errors of the OpenTelemetry integration. Thrown only by the explicit setup helpers the user
 * calls (`withProfiling`, `checkOtelApi`), never from span or context hooks.
 */
import { OtelprofError } from '../errors';

// Shared with src/otel-api.ts, which every box uses.
export { OtelApiError } from '../errors';

/** The `@opentelemetry/sdk-node` in use lacks what `withProfiling()` needs to keep its exporters. */
export class OtelSdkIncompatibleError extends OtelprofError {
  constructor(message: string) {
    super('PPROF_ERR_OTEL_SDK_INCOMPATIBLE', message);
  }
}
