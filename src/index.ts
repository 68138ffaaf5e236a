/**
 * otelprof: Go's runtime/pprof and net/http/pprof for Node.js, wired into OpenTelemetry.
 * This file is the public surface: explicit named exports only.
 */
export { OtelprofError, InvalidArgumentError } from './errors';
