/**
 * OpenTelemetry box: span labels on samples (`span_id`, `trace_id`, `span_name`), the
 * `pyroscope.profile.id` span attribute, NodeSDK / tracer-provider setup, resource -> series
 * labels, and OTEP-4719/4947 context publishing for out-of-process profilers.
 */
export {
  ProfilingSpanProcessor,
  isProfilingSpanProcessor,
  otelSdkResource,
  type ProfilingSpanProcessorOptions,
  type SpanProcessorLike,
} from './span-processor';
export { profilingContextManager, isProfilingContextManager } from './context-manager';
export { withProfiling, type WithProfilingOptions } from './node-sdk';
export {
  resourceToSeriesLabels,
  defaultServiceName,
  parseResourceAttributesEnv,
  RESOURCE_LABEL_KEYS,
  type ResourceLike,
  type SeriesLabels,
} from './resource-labels';
export {
  SpanProfile,
  spanProfileOf,
  PROFILE_ID_ATTRIBUTE,
  SPAN_ID_LABEL,
  TRACE_ID_LABEL,
  SPAN_NAME_LABEL,
  type SpanLabelScope,
  type SpanLabel,
} from './span-profile';
export { spanLabelsSource, acquireSpanLabels } from './span-labels-source';
export {
  addContextSwitchListener,
  hasContextSwitchListeners,
  type ContextSwitchListener,
} from './context-listeners';
export {
  threadContextSupport,
  enableThreadContext,
  disableThreadContext,
  currentThreadContext,
  THREAD_CONTEXT_ATTRIBUTE_KEYS,
  type ThreadContextSupport,
} from './thread-context';
export { processContextAttributes } from './process-context';
export { OtelApiError, OtelSdkIncompatibleError } from './errors';
export { checkOtelApi } from './otel-api-check';
