/**
 * Merges options from code, the environment and the defaults into one {@link ProfilingConfig}:
 * code > env > default. Bad code input throws; bad env input is collected in `issues`.
 */
import { InvalidArgumentError } from '../errors';
import * as check from './check';
import type { Env } from './env-reader';
import { readEnv } from './env';
import { reportConfigIssues } from './issues';
import { DEFAULT_OTLP_PROFILES_URL } from './otlp-env';
import {
  BUILTIN_PROFILE_TYPES, DEFAULTS, EXPORTER_NAMES, HEAP_MODES, LIMITS, PYROSCOPE_ROUTES, SAMPLER_BACKENDS,
  type BasicAuth, type ExporterName, type ProfilingConfig, type ProfilingOptions,
} from './options';

const OPTION_KEYS: readonly string[] = [
  'enabled', 'serviceName', 'resourceAttributes', 'serverAddress', 'authToken', 'basicAuth', 'tenantId', 'labels', 'httpHeaders', 'pyroscopeRoute', 'legacyLabelNames',
  'uploadIntervalMillis', 'profileTypes', 'sampler', 'cpuHz', 'heapMode', 'heapSamplingIntervalBytes', 'heapStackDepth',
  'blockProfileRateNanos', 'mutexProfileFraction', 'goroutineStacks', 'goroutinePromises', 'exporters', 'fileExportDir',
  'pprofPort', 'pprofHost', 'exportTimeoutMillis', 'shutdownTimeoutMillis', 'maxQueueItems', 'maxQueueBytes', 'maxAttempts', 'otlp',
];
const OTLP_KEYS: readonly string[] = ['url', 'headers', 'compression', 'timeoutMillis'];
const PROFILE_TYPES_RULE = `a non-empty array of profile type names without spaces (${BUILTIN_PROFILE_TYPES.join(', ')} or custom)`;

/**
 * Checks `options` and throws `InvalidArgumentError` (code `PPROF_ERR_INVALID_ARG`) naming the
 * first bad option and its rule, e.g. `uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: -1)`.
 * Unknown keys are rejected. Returns the options with the checked values.
 */
export function checkOptions(options: ProfilingOptions): ProfilingOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) check.fail('options', 'an object', options);
  check.knownKeys('startProfiling options', options, OPTION_KEYS);
  const o = options as Record<string, unknown>;
  const basicAuth = checkBasicAuth(o.basicAuth);
  if (basicAuth && o.authToken !== undefined) throw new InvalidArgumentError('authToken and basicAuth are mutually exclusive: set one');
  return {
    enabled: check.bool('enabled', o.enabled),
    serviceName: check.text('serviceName', o.serviceName),
    resourceAttributes: check.stringRecord('resourceAttributes', o.resourceAttributes, /^.+$/, 'a non-empty attribute name'),
    serverAddress: check.url('serverAddress', o.serverAddress),
    authToken: check.secretHeaderValue('authToken', o.authToken),
    basicAuth,
    tenantId: check.tenantId('tenantId', o.tenantId),
    labels: check.labels('labels', o.labels),
    httpHeaders: check.headers('httpHeaders', o.httpHeaders),
    pyroscopeRoute: check.oneOf('pyroscopeRoute', o.pyroscopeRoute, PYROSCOPE_ROUTES),
    legacyLabelNames: check.bool('legacyLabelNames', o.legacyLabelNames),
    uploadIntervalMillis: check.int('uploadIntervalMillis', o.uploadIntervalMillis, 1, LIMITS.maxTimerMillis),
    profileTypes: check.list('profileTypes', o.profileTypes, PROFILE_TYPES_RULE),
    sampler: check.oneOf('sampler', o.sampler, SAMPLER_BACKENDS),
    cpuHz: check.int('cpuHz', o.cpuHz, 1, LIMITS.maxCpuHz),
    heapMode: check.oneOf('heapMode', o.heapMode, HEAP_MODES),
    heapSamplingIntervalBytes: check.int('heapSamplingIntervalBytes', o.heapSamplingIntervalBytes, 1),
    heapStackDepth: check.int('heapStackDepth', o.heapStackDepth, 1, LIMITS.maxHeapStackDepth),
    blockProfileRateNanos: check.int('blockProfileRateNanos', o.blockProfileRateNanos, 0),
    mutexProfileFraction: check.int('mutexProfileFraction', o.mutexProfileFraction, 0),
    goroutineStacks: check.bool('goroutineStacks', o.goroutineStacks),
    goroutinePromises: check.bool('goroutinePromises', o.goroutinePromises),
    exporters: check.list<ExporterName>('exporters', o.exporters, `an array of ${EXPORTER_NAMES.map((e) => JSON.stringify(e)).join(', ')} (may be empty)`, EXPORTER_NAMES, true),
    fileExportDir: check.text('fileExportDir', o.fileExportDir),
    pprofPort: check.int('pprofPort', o.pprofPort, 0, LIMITS.maxPort),
    pprofHost: check.text('pprofHost', o.pprofHost),
    exportTimeoutMillis: check.int('exportTimeoutMillis', o.exportTimeoutMillis, 1, LIMITS.maxTimerMillis),
    shutdownTimeoutMillis: check.int('shutdownTimeoutMillis', o.shutdownTimeoutMillis, 1, LIMITS.maxTimerMillis),
    maxQueueItems: check.int('maxQueueItems', o.maxQueueItems, 1),
    maxQueueBytes: check.int('maxQueueBytes', o.maxQueueBytes, 1),
    maxAttempts: check.int('maxAttempts', o.maxAttempts, 1),
    otlp: checkOtlp(o.otlp),
  };
}

function checkBasicAuth(value: unknown): BasicAuth | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) check.fail('basicAuth', 'an object { username, password }', value);
  check.knownKeys('basicAuth', value, ['username', 'password']);
  const v = value as Record<string, unknown>;
  const username = check.credential('basicAuth.username', v.username) ?? check.fail('basicAuth.username', 'a non-empty string without CR, LF or NUL', undefined);
  if (username.includes(':')) check.fail('basicAuth.username', 'a string without ":"', username);
  if (typeof v.password !== 'string' || !/^[^\r\n\0]*$/.test(v.password)) check.failSecret('basicAuth.password', 'a string without CR, LF or NUL', v.password);
  return { username, password: v.password };
}

function checkOtlp(value: unknown): ProfilingOptions['otlp'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) check.fail('otlp', 'an object', value);
  check.knownKeys('otlp', value, OTLP_KEYS);
  const v = value as Record<string, unknown>;
  const u = check.url('otlp.url', v.url);
  return {
    url: u === undefined ? undefined : new URL(String(v.url)).href,
    headers: check.headers('otlp.headers', v.headers),
    compression: check.oneOf('otlp.compression', v.compression, ['gzip', 'none'] as const),
    timeoutMillis: check.int('otlp.timeoutMillis', v.timeoutMillis, 1, LIMITS.maxTimerMillis),
  };
}

/**
 * Resolves the configuration from `options` (code), `env` (default `process.env`) and the
 * defaults, without logging: invalid env values are returned in `issues` (see
 * {@link loadConfig}). Throws `InvalidArgumentError` for bad options in code.
 */
export function resolveConfig(options: ProfilingOptions = {}, env: Env = process.env): ProfilingConfig {
  const code = checkOptions(options);
  const fromEnv = readEnv(env);
  const e = fromEnv.options;
  const pick = <K extends keyof typeof DEFAULTS & keyof ProfilingOptions>(k: K): NonNullable<ProfilingOptions[K]> | (typeof DEFAULTS)[K] =>
    (code[k] ?? e[k] ?? DEFAULTS[k]) as NonNullable<ProfilingOptions[K]> | (typeof DEFAULTS)[K];
  const profileTypes = [...(code.profileTypes ?? e.profileTypes ?? DEFAULTS.profileTypes)];
  const exportTimeoutMillis = pick('exportTimeoutMillis') as number;
  const useBasic = code.basicAuth ?? (code.authToken === undefined ? e.basicAuth : undefined);
  return {
    enabled: pick('enabled') as boolean,
    serviceName: code.serviceName ?? e.serviceName ?? defaultServiceName(),
    resourceAttributes: { ...e.resourceAttributes, ...code.resourceAttributes },
    serverAddress: pick('serverAddress') as string,
    authToken: useBasic ? undefined : code.authToken ?? e.authToken,
    basicAuth: useBasic,
    tenantId: code.tenantId ?? e.tenantId,
    labels: { ...e.labels, ...code.labels },
    httpHeaders: { ...e.httpHeaders, ...code.httpHeaders },
    pyroscopeRoute: pick('pyroscopeRoute') as ProfilingConfig['pyroscopeRoute'],
    legacyLabelNames: pick('legacyLabelNames') as boolean,
    uploadIntervalMillis: pick('uploadIntervalMillis') as number,
    profileTypes,
    sampler: pick('sampler') as ProfilingConfig['sampler'],
    cpuHz: pick('cpuHz') as number,
    // allocs needs collected objects too, so it changes the default mode.
    heapMode: code.heapMode ?? e.heapMode ?? (profileTypes.includes('allocs') ? 'all' : 'live'),
    heapSamplingIntervalBytes: pick('heapSamplingIntervalBytes') as number,
    heapStackDepth: pick('heapStackDepth') as number,
    blockProfileRateNanos: pick('blockProfileRateNanos') as number,
    mutexProfileFraction: pick('mutexProfileFraction') as number,
    goroutineStacks: pick('goroutineStacks') as boolean,
    goroutinePromises: pick('goroutinePromises') as boolean,
    exporters: [...(code.exporters ?? e.exporters ?? DEFAULTS.exporters)],
    fileExportDir: pick('fileExportDir') as string,
    pprofPort: code.pprofPort ?? e.pprofPort,
    pprofHost: pick('pprofHost') as string,
    exportTimeoutMillis,
    shutdownTimeoutMillis: pick('shutdownTimeoutMillis') as number,
    maxQueueItems: pick('maxQueueItems') as number,
    maxQueueBytes: pick('maxQueueBytes') as number,
    maxAttempts: pick('maxAttempts') as number,
    otlp: {
      url: code.otlp?.url ?? fromEnv.otlp.url ?? DEFAULT_OTLP_PROFILES_URL,
      headers: { ...fromEnv.otlp.headers, ...code.otlp?.headers },
      compression: code.otlp?.compression ?? fromEnv.otlp.compression ?? DEFAULTS.otlpCompression,
      timeoutMillis: code.otlp?.timeoutMillis ?? fromEnv.otlp.timeoutMillis ?? exportTimeoutMillis,
    },
    issues: Object.freeze(fromEnv.issues.slice()),
  };
}

/**
 * {@link resolveConfig}, then warns about every invalid env value through the OTel diag logger
 * (namespace `otelprof/config`). What `startProfiling()` calls at start; the issues stay
 * inspectable on the returned config.
 */
export function loadConfig(options: ProfilingOptions = {}, env: Env = process.env): ProfilingConfig {
  const config = resolveConfig(options, env);
  reportConfigIssues(config.issues);
  return config;
}

/** OTel's default: `unknown_service:<argv0>` (`unknown_service` when argv0 is empty). */
export function defaultServiceName(): string {
  return process.argv0 ? `unknown_service:${process.argv0}` : 'unknown_service';
}
