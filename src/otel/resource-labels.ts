/**
 * Resource attributes -> Pyroscope series labels. The set is fixed and small so that a profile
 * series stays well under Pyroscope's limit of 30 label names, whatever the resource carries.
 */
import { componentLogger } from '../otel-api';
import type { AttributeValue } from '@opentelemetry/api';
import { hostname } from 'node:os';

const logger = componentLogger('otelprof/otel');

/**
 * The resource attributes otelprof turns into series labels, in label order, with the label
 * name each becomes (dots replaced by `_`, which Pyroscope accepts with or without its label
 * sanitization). Nothing outside this table is projected. At most 10 labels.
 */
export const RESOURCE_LABEL_KEYS: ReadonlyArray<readonly [attribute: string, label: string]> =
  Object.freeze([
    ['service.name', 'service_name'],
    ['service.version', 'service_version'],
    ['service.namespace', 'service_namespace'],
    ['deployment.environment.name', 'deployment_environment_name'],
    ['host.name', 'host_name'],
    ['process.runtime.name', 'process_runtime_name'],
    ['process.runtime.version', 'process_runtime_version'],
    ['telemetry.sdk.name', 'telemetry_sdk_name'],
    ['telemetry.sdk.language', 'telemetry_sdk_language'],
    ['telemetry.sdk.version', 'telemetry_sdk_version'],
  ] as const);

/** Pyroscope's default `max_label_value_length`, in bytes. */
const MAX_LABEL_VALUE_BYTES = 2048;

/**
 * The part of an OpenTelemetry SDK `Resource` (SDK 1.x, 2.x or 3.x) that otelprof reads.
 * Structural, so `@opentelemetry/resources` stays an optional dependency.
 */
export interface ResourceLike {
  readonly attributes: Readonly<Record<string, AttributeValue | undefined>>;
  /** SDK 2.x: true while detector promises are unresolved; `attributes` is then incomplete. */
  readonly asyncAttributesPending?: boolean;
}

/** Series labels: label name -> value. Always has `service_name`. */
export type SeriesLabels = Record<string, string>;

// The tracer provider's resource, seen on the first span a ProfilingSpanProcessor handles (kept on
// globalThis so every copy of otelprof sees it). Here, not in the processor, so the scheduler can
// read it without loading the processor.
const RESOURCE_KEY = Symbol.for('otelprof.otel.sdkResource');
type ResourceHolder = Record<symbol, ResourceLike | undefined>;

/**
 * The resource of the tracer provider a ProfilingSpanProcessor serves (SDK 2.x/3.x spans carry
 * it), once that provider has started a span; undefined before. Feed it to
 * `resourceToSeriesLabels()` so profiles and traces name the service alike.
 */
export function otelSdkResource(): ResourceLike | undefined {
  return (globalThis as unknown as ResourceHolder)[RESOURCE_KEY];
}

/** Called by the span processor with the resource of a span it handles. */
export function rememberSdkResource(resource: ResourceLike): void {
  (globalThis as unknown as ResourceHolder)[RESOURCE_KEY] = resource;
}

/**
 * OTel's default service name when none is configured: `unknown_service:<process.argv0>`, as
 * `@opentelemetry/resources` computes it (`unknown_service` when argv0 is empty).
 */
export function defaultServiceName(): string {
  const argv0 = process.argv0;
  return argv0 ? `unknown_service:${argv0}` : 'unknown_service';
}

/** The JS SDK's env detector discards the whole variable when a decoded key or value is longer. */
const MAX_ENV_ATTRIBUTE_CHARS = 255;

/**
 * Parses `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`, percent-encoded) as the OTel spec and the JS
 * SDK's env detector do: on any malformed entry, or a decoded key or value over 255 characters,
 * the whole value is discarded (with a warning). Returns `{}` for unset or blank input.
 */
export function parseResourceAttributesEnv(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return out;
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const pair = entry.split('=');
    const key = pair.length === 2 ? pair[0].trim() : '';
    if (key === '') {
      logger.warn(`Configuration: OTEL_RESOURCE_ATTRIBUTES is invalid, expected comma-separated key=value pairs (actual: "${entry}"); ignoring it`);
      return {};
    }
    let k: string;
    let v: string;
    try {
      k = decodeURIComponent(key);
      v = decodeURIComponent(pair[1].trim());
    } catch {
      logger.warn(`Configuration: OTEL_RESOURCE_ATTRIBUTES is invalid, bad percent-encoding in "${entry}"; ignoring it`);
      return {};
    }
    // Else profiles would carry attributes (even a service name) that the SDK's traces lack.
    if (k.length > MAX_ENV_ATTRIBUTE_CHARS || v.length > MAX_ENV_ATTRIBUTE_CHARS) {
      logger.warn(`Configuration: OTEL_RESOURCE_ATTRIBUTES is invalid, key or value of "${k.slice(0, 64)}" is longer than ${MAX_ENV_ATTRIBUTE_CHARS} characters; ignoring it`);
      return {};
    }
    out[k] = v;
  }
  return out;
}

/** What the SDK's env detector reads: `OTEL_RESOURCE_ATTRIBUTES`, then `OTEL_SERVICE_NAME`. */
function attributesFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const attrs = parseResourceAttributesEnv(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  if (serviceName) attrs['service.name'] = serviceName;
  return attrs;
}

/** What the SDK's host and process detectors would add, for the no-resource case. */
function detectedDefaults(): Record<string, string> {
  return {
    'host.name': hostname(),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
  };
}

function isResourceLike(x: unknown): x is ResourceLike {
  if (typeof x !== 'object' || x === null) return false;
  // An SDK Resource (1.x, 2.x): recognised without reading `attributes`, which logs an error
  // while detectors are pending. Otherwise a plain `{ attributes: {...} }` object (an env object
  // has only string values).
  if (typeof (x as { merge?: unknown }).merge === 'function') return true;
  const d = Object.getOwnPropertyDescriptor(x, 'attributes');
  return d !== undefined && typeof d.value === 'object' && d.value !== null;
}

function readResource(resource: ResourceLike): Record<string, AttributeValue | undefined> {
  if (resource.asyncAttributesPending === true) {
    // Reading `attributes` now makes the SDK log an error and drop the pending ones; the
    // caller should await `waitForAsyncAttributes()` first. We still map what is settled.
    logger.debug('resource has pending async attributes; mapping the settled ones');
    const raw = (resource as { getRawAttributes?: () => Array<[string, unknown]> }).getRawAttributes?.();
    if (raw) {
      // The SDK's raw list is ordered highest precedence first (merge puts the incoming
      // resource first), so the first settled value of a key wins, as in its `attributes`.
      const settled: Record<string, AttributeValue | undefined> = {};
      for (const [k, v] of raw) {
        if (k in settled) continue;
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') settled[k] = v;
      }
      return settled;
    }
  }
  return resource.attributes;
}

function labelValue(label: string, v: AttributeValue | undefined): string | undefined {
  if (v === undefined || v === null || Array.isArray(v)) return undefined;
  const s = String(v);
  if (s === '') return undefined;
  if (Buffer.byteLength(s, 'utf8') > MAX_LABEL_VALUE_BYTES) {
    logger.warn(`resource label ${label} is longer than ${MAX_LABEL_VALUE_BYTES} bytes; dropping it`);
    return undefined;
  }
  return s;
}

/**
 * Maps an OpenTelemetry resource (or, without one, the environment) to the series labels otelprof
 * sends with every profile: the attributes of {@link RESOURCE_LABEL_KEYS} that are set, renamed
 * `a.b` -> `a_b`. `service_name` is always present: `service.name`, else `OTEL_SERVICE_NAME`,
 * else `unknown_service:<argv0>`.
 *
 * - Given a resource (e.g. the SDK's, which already merged `OTEL_SERVICE_NAME` and
 *   `OTEL_RESOURCE_ATTRIBUTES`), its attributes win; those two variables only fill gaps, and a
 *   real `OTEL_SERVICE_NAME` replaces an `unknown_service*` default. Host and runtime labels
 *   then come only from the resource (its detectors decide).
 * - Given an env object (default `process.env`), the labels come from `OTEL_SERVICE_NAME`,
 *   `OTEL_RESOURCE_ATTRIBUTES`, `os.hostname()` and the Node runtime; `telemetry.sdk.*` only
 *   when `OTEL_RESOURCE_ATTRIBUTES` names them (there is no SDK to describe).
 *
 * Never throws; malformed env values are warned about and ignored. Array values and empty
 * strings are skipped; values over 2048 bytes (Pyroscope's limit) are dropped with a warning.
 */
export function resourceToSeriesLabels(source?: ResourceLike | NodeJS.ProcessEnv): SeriesLabels {
  const resource = isResourceLike(source) ? source : undefined;
  const env = resource === undefined && source !== undefined ? (source as NodeJS.ProcessEnv) : process.env;
  const fromEnv = attributesFromEnv(env);
  const attrs: Record<string, AttributeValue | undefined> = resource
    ? { ...fromEnv, ...readResource(resource) }
    : { ...detectedDefaults(), ...fromEnv };
  const resName = attrs['service.name'];
  if (resource && fromEnv['service.name'] && (typeof resName !== 'string' || resName.startsWith('unknown_service'))) {
    attrs['service.name'] = fromEnv['service.name'];
  }
  const labels: SeriesLabels = {};
  for (const [attribute, label] of RESOURCE_LABEL_KEYS) {
    const v = labelValue(label, attrs[attribute]);
    if (v !== undefined) labels[label] = v;
  }
  if (labels.service_name === undefined) labels.service_name = defaultServiceName();
  return labels;
}
