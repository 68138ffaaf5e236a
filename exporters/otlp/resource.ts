/**
 * The OTLP `Resource` of a request. The scheduler hands every exporter Pyroscope-style series
 * labels (`service_name`, `host_name`, static labels); OTLP wants OpenTelemetry attribute names,
 * so the labels otelprof derives from resource attributes are renamed back (`service_name` ->
 * `service.name`, per `RESOURCE_LABEL_KEYS`) and every other label (a user's static label) is kept
 * as an attribute under its own name. Attributes given in code win.
 */
import { RESOURCE_LABEL_KEYS } from '../../src/otel/resource-labels';
import { anyValue } from './dictionary';
import type { OtlpAnyValue, OtlpKeyValue } from './types';

/** A resource attribute value: a scalar or an array of scalars of one kind. */
export type ResourceAttributeValue = string | number | boolean | ReadonlyArray<string> | ReadonlyArray<number> | ReadonlyArray<boolean>;

const LABEL_TO_ATTRIBUTE: ReadonlyMap<string, string> = new Map(RESOURCE_LABEL_KEYS.map(([attr, label]) => [label, attr]));

/**
 * Resource attributes, sorted by key: series labels renamed back to OTel names, overlaid by
 * `fromCode`. Labels starting with `__` (Pyroscope internals such as `__name__`) are skipped.
 */
export function resourceAttributes(
  seriesLabels: Readonly<Record<string, string>>,
  fromCode: Readonly<Record<string, ResourceAttributeValue>> = {},
): OtlpKeyValue[] {
  const attrs = new Map<string, OtlpAnyValue>();
  for (const [label, value] of Object.entries(seriesLabels)) {
    if (label.startsWith('__')) continue;
    attrs.set(LABEL_TO_ATTRIBUTE.get(label) ?? label, { stringValue: value });
  }
  for (const [key, value] of Object.entries(fromCode)) {
    if (value === undefined || value === null) continue;
    attrs.set(key, Array.isArray(value) ? { arrayValue: { values: (value as Array<string | number | boolean>).map(anyValue) } } : anyValue(value as string | number | boolean));
  }
  return [...attrs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value }));
}
