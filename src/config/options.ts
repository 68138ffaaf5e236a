/**
 * The options of `startProfiling(options)` and the configuration they resolve to. Every option
 * can also come from the environment (see `docs/configuration.md`); code > env > default.
 */
import type { ConfigIssue } from './issues';

/** otelprof's built-in profile types (custom `newProfile` names are accepted too). */
export const BUILTIN_PROFILE_TYPES = ['cpu', 'wall', 'heap', 'allocs', 'goroutine', 'threadcreate', 'block', 'mutex'] as const;
/** Destinations the scheduler can ship to. */
export const EXPORTER_NAMES = ['pyroscope', 'otlp', 'file'] as const;
/** Sampler backends: the native V8 sampler (`@datadog/pprof`) or the `node:inspector` fallback. */
export const SAMPLER_BACKENDS = ['native', 'inspector'] as const;
/** `live`: only objects still alive (heap); `all`: collected objects too (needed by allocs). */
export const HEAP_MODES = ['live', 'all'] as const;

export type ExporterName = (typeof EXPORTER_NAMES)[number];
export type SamplerBackend = (typeof SAMPLER_BACKENDS)[number];
export type HeapMode = (typeof HEAP_MODES)[number];

/** Pyroscope basic auth (Grafana Cloud: the stack's user id and an access token). */
export interface BasicAuth {
  username: string;
  password: string;
}

/** OTLP exporter settings (used when `exporters` includes `otlp`). */
export interface OtlpOptions {
  /** Full URL of the profiles endpoint. */
  url?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  compression?: 'gzip' | 'none';
  /** Per-request timeout, milliseconds. */
  timeoutMillis?: number;
}

/** Options of `startProfiling(options)`. Every field is optional; see `docs/configuration.md`. */
export interface ProfilingOptions {
  /** Turns profiling off entirely when false. */
  enabled?: boolean;
  /** `service_name` of every series (OTel `service.name`). */
  serviceName?: string;
  /** Extra resource attributes (OTel names, e.g. `service.version`). */
  resourceAttributes?: Record<string, string>;
  /** Pyroscope base URL, e.g. `http://localhost:4040` or a Grafana Cloud URL. */
  serverAddress?: string;
  /** Bearer token for Pyroscope (mutually exclusive with `basicAuth`). */
  authToken?: string;
  basicAuth?: BasicAuth;
  /** Pyroscope tenant, sent as `X-Scope-OrgID`. */
  tenantId?: string;
  /** Static series labels added to every profile. */
  labels?: Record<string, string>;
  /** Extra HTTP headers for Pyroscope requests. */
  httpHeaders?: Record<string, string>;
  /** Pyroscope route: the Push API (all types of a period in one request) or `/ingest` (one pprof per type). */
  pyroscopeRoute?: PyroscopeRoute;
  /** Rewrite label names to `[A-Za-z_][A-Za-z0-9_]*` for Pyroscope before 2.0 (label sanitization on). */
  legacyLabelNames?: boolean;
  /** Upload period, milliseconds (one profile window per type per period). */
  uploadIntervalMillis?: number;
  /** Profile types to collect each period. */
  profileTypes?: string[];
  sampler?: SamplerBackend;
  /** CPU/wall sampling frequency, samples per second. */
  cpuHz?: number;
  heapMode?: HeapMode;
  /** Average bytes allocated between two heap samples. */
  heapSamplingIntervalBytes?: number;
  /** Deepest stack recorded for a heap sample, frames. */
  heapStackDepth?: number;
  /** Event-loop blocks longer than this are recorded by `block`, nanoseconds; 0 records none. */
  blockProfileRateNanos?: number;
  /** On average 1 in `n` contention events is recorded by `mutex`; 0 records none. */
  mutexProfileFraction?: number;
  /** Capture the creation stack of async resources for `goroutine`. */
  goroutineStacks?: boolean;
  /** Count promises as goroutines too (costly). */
  goroutinePromises?: boolean;
  exporters?: ExporterName[];
  /** Directory the file exporter writes to. */
  fileExportDir?: string;
  /** Serve `/debug/pprof` on this port (0 = any free port); unset = no pull endpoint. */
  pprofPort?: number;
  /** Address the pull endpoint binds to. */
  pprofHost?: string;
  /** Per-request export timeout, milliseconds. */
  exportTimeoutMillis?: number;
  /** Longest `shutdown()` waits for the last upload, milliseconds. */
  shutdownTimeoutMillis?: number;
  /** Export requests kept while a destination is unreachable. */
  maxQueueItems?: number;
  /** Bytes kept in each export queue. */
  maxQueueBytes?: number;
  /** Attempts per export request, the first included. */
  maxAttempts?: number;
  otlp?: OtlpOptions;
}

/** The resolved configuration: every setting decided, plus what was wrong in the environment. */
export interface ProfilingConfig {
  enabled: boolean;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  serverAddress: string;
  authToken: string | undefined;
  basicAuth: BasicAuth | undefined;
  tenantId: string | undefined;
  labels: Record<string, string>;
  httpHeaders: Record<string, string>;
  pyroscopeRoute: PyroscopeRoute;
  legacyLabelNames: boolean;
  uploadIntervalMillis: number;
  profileTypes: string[];
  sampler: SamplerBackend;
  cpuHz: number;
  heapMode: HeapMode;
  heapSamplingIntervalBytes: number;
  heapStackDepth: number;
  blockProfileRateNanos: number;
  mutexProfileFraction: number;
  goroutineStacks: boolean;
  goroutinePromises: boolean;
  exporters: ExporterName[];
  fileExportDir: string;
  pprofPort: number | undefined;
  pprofHost: string;
  exportTimeoutMillis: number;
  shutdownTimeoutMillis: number;
  maxQueueItems: number;
  maxQueueBytes: number;
  maxAttempts: number;
  otlp: { url: string; headers: Record<string, string>; compression: 'gzip' | 'none'; timeoutMillis: number };
  /** Invalid environment values that were ignored (empty when all were fine). */
  issues: readonly ConfigIssue[];
}

/** Pyroscope upload routes. */
export const PYROSCOPE_ROUTES = ['push', 'ingest'] as const;
export type PyroscopeRoute = (typeof PYROSCOPE_ROUTES)[number];

/** Defaults of every setting that has one (`serviceName`'s depends on the process). */
export const DEFAULTS = Object.freeze({
  enabled: true,
  serverAddress: 'http://localhost:4040',
  pyroscopeRoute: 'push' as PyroscopeRoute,
  legacyLabelNames: false,
  uploadIntervalMillis: 10_000,
  profileTypes: ['cpu', 'wall', 'heap'] as readonly string[],
  sampler: 'native' as SamplerBackend,
  cpuHz: 100,
  heapSamplingIntervalBytes: 512 * 1024,
  heapStackDepth: 64,
  blockProfileRateNanos: 10_000_000,
  mutexProfileFraction: 1,
  goroutineStacks: true,
  goroutinePromises: false,
  exporters: ['pyroscope'] as readonly ExporterName[],
  fileExportDir: 'profiles',
  pprofHost: '127.0.0.1',
  exportTimeoutMillis: 10_000,
  shutdownTimeoutMillis: 5_000,
  maxQueueItems: 8,
  maxQueueBytes: 32 * 1024 * 1024,
  maxAttempts: 5,
  otlpCompression: 'none' as 'gzip' | 'none',
});

/** Limits shared by the code checks and the env readers. */
export const LIMITS = Object.freeze({
  maxCpuHz: 1000,
  maxHeapStackDepth: 1024,
  maxPort: 65535,
  /** Node's timers take at most 2^31 - 1 ms; a longer delay fires after 1 ms (a TimeoutOverflowWarning). */
  maxTimerMillis: 2_147_483_647,
});
