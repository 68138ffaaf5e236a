/**
 * OTLP Profiles exporter (v1development, opentelemetry-proto v1.10+ numbering) for otelprof.
 */
export { OtlpProfileExporter, createOtlpExporter } from './exporter';
export type { OtlpExporterOptions, ResolvedOtlpOptions } from './options';
export { batchToOtlp, SPAN_ID_LABEL, TRACE_ID_LABEL, type TransformOptions, type TransformStats } from './transform';
export { encodeRequest } from './encode';
export type { ResourceAttributeValue } from './resource';
export { OTLP_PROFILES_PATH, DEFAULT_OTLP_PROFILES_URL } from '../../src/config/otlp-env';
