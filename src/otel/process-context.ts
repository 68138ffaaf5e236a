/**
 * OTEP-4719 process context: the resource attributes an out-of-process reader should see, plus the
 * OTEP-4947 key map of otelprof's thread-context records. Publishing the `OTEL_CTX` memory mapping
 * itself needs native code (mmap + prctl) that neither Node nor `@datadog/pprof` exposes, so
 * otelprof computes the attribute set and leaves the mapping to a native publisher.
 */
import type { AttributeValue } from '@opentelemetry/api';
import type { ResourceLike } from './resource-labels';
import { threadContextSupport } from './thread-context';

/**
 * The attributes to publish as the OTEP-4719 process context: the resource's string, number and
 * boolean attributes, plus `threadlocal.schema_version` and `threadlocal.attribute_key_map` when
 * this runtime publishes OTEP-4947 thread context (see `threadContextSupport()`). Never throws.
 */
export function processContextAttributes(resource?: ResourceLike): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (resource !== undefined && resource.asyncAttributesPending !== true) {
    for (const [k, v] of Object.entries(resource.attributes)) {
      if (v !== undefined && v !== null) out[k] = v;
    }
  }
  const s = threadContextSupport();
  if (s.supported) {
    for (const [k, v] of Object.entries(s.processContextAttributes)) {
      out[k] = Array.isArray(v) ? (v as string[]).slice() : String(v);
    }
  }
  return out;
}
