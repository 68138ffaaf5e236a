/**
 * Series labels of every batch: the resource labels (`resourceToSeriesLabels`), the configured
 * service name and the static labels. Read at every period until an OpenTelemetry SDK resource
 * shows up (a ProfilingSpanProcessor saw a span), then fixed: the SDK's resource wins over the
 * environment from then on, as its detectors decided.
 */
import { defaultServiceName, type ProfilingConfig } from '../config';
import { otelSdkResource, resourceToSeriesLabels } from '../otel';

/** Returns the function the scheduler calls once per period. */
export function seriesLabelsOf(config: ProfilingConfig, env: NodeJS.ProcessEnv = process.env): () => Record<string, string> {
  let fixed: Record<string, string> | undefined;
  return () => {
    if (fixed) return fixed;
    const sdk = otelSdkResource();
    const labels = compute(config, env, sdk);
    if (sdk !== undefined) fixed = labels;
    return labels;
  };
}

function compute(config: ProfilingConfig, env: NodeJS.ProcessEnv, sdk: ReturnType<typeof otelSdkResource>): Record<string, string> {
  const base = resourceToSeriesLabels(sdk ?? env);
  // Attributes given in code (or OTEL_RESOURCE_ATTRIBUTES) that the base did not project.
  const extra = resourceToSeriesLabels({ attributes: config.resourceAttributes });
  if (config.resourceAttributes['service.name'] === undefined) delete extra.service_name;
  const explicitName = config.serviceName !== defaultServiceName();
  return {
    ...base,
    ...extra,
    ...config.labels,
    service_name: explicitName ? config.serviceName : base.service_name,
  };
}
