/**
 * Configuration of otelprof: one typed options object, the environment (Pyroscope's
 * `PYROSCOPE_*`, OpenTelemetry's `OTEL_*`, otelprof's `OTELPROF_*`), and the defaults, merged
 * code > env > default. See `docs/configuration.md` for every option and variable.
 */
export { resolveConfig, loadConfig, checkOptions, defaultServiceName } from './resolve';
export { readEnv, SECRET_VARS, type EnvSettings } from './env';
export { readOtlpEnv, OTLP_PROFILES_PATH, DEFAULT_OTLP_PROFILES_URL, type OtlpEnvConfig } from './otlp-env';
export { reportConfigIssues, type ConfigIssue } from './issues';
export { EnvReader, type Env } from './env-reader';
export { parseDurationMillis, parseLabelList, parseHeaderList, parseResourceAttributes } from './parse';
export {
  BUILTIN_PROFILE_TYPES, DEFAULTS, EXPORTER_NAMES, HEAP_MODES, SAMPLER_BACKENDS, LIMITS,
  type BasicAuth, type ExporterName, type HeapMode, type OtlpOptions, type ProfilingConfig, type ProfilingOptions, type SamplerBackend,
} from './options';
