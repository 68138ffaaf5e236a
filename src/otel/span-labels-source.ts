/**
 * Plugs span labels into the sampler: a sample-context source whose value for a context is the
 * active span's SpanProfile (WeakMap lookup, no allocation) and whose labels are `span_id`,
 * `trace_id` and `span_name`. Registered while at least one ProfilingSpanProcessor is alive.
 */
import type { Context } from '@opentelemetry/api';
import { registerSampleContextSource, type SampleContextSource } from '../sampler';
import { spanProfileOf, type SpanLabel, type SpanProfile } from './span-profile';

/** The sampler source for span labels (one per process and copy of otelprof). */
export const spanLabelsSource: SampleContextSource<SpanProfile> = {
  current(active: Context): SpanProfile | undefined {
    return spanProfileOf(active);
  },
  labels(value: SpanProfile): readonly SpanLabel[] {
    return value.labels();
  },
};

let users = 0;
let unregister: (() => void) | undefined;

/**
 * Makes CPU/wall samples carry span labels; returns a release function (idempotent). Reference
 * counted: the source stays registered until every acquirer has released it.
 */
export function acquireSpanLabels(): () => void {
  users++;
  if (unregister === undefined) unregister = registerSampleContextSource(spanLabelsSource);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users--;
    if (users === 0 && unregister !== undefined) {
      unregister();
      unregister = undefined;
    }
  };
}
