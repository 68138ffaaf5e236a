/**
 * OpenTelemetry box: span labels on samples (`span_id`, `trace_id`, `span_name`), the
 * `pyroscope.profile.id` span attribute, NodeSDK / tracer-provider setup, resource -> series
 * labels, and OTEP-4719/4947 context publishing for out-of-process profilers. Only the resource
 * labels load with the box (every profiler's series need them); each other file loads on first
 * use of one of its names (see lazy-exports.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { lazyExports } from '../lazy-exports';
import type * as SpanProcessor from './span-processor';
import type * as ContextManager from './context-manager';
import type * as NodeSdk from './node-sdk';
import type * as SpanProfileFile from './span-profile';
import type * as SpanLabelsSource from './span-labels-source';
import type * as ContextListeners from './context-listeners';
import type * as ThreadContext from './thread-context';
import type * as ProcessContext from './process-context';
import type * as Errors from './errors';
import type * as OtelApiCheck from './otel-api-check';

export {
  resourceToSeriesLabels,
  defaultServiceName,
  parseResourceAttributesEnv,
  otelSdkResource,
  RESOURCE_LABEL_KEYS,
  type ResourceLike,
  type SeriesLabels,
} from './resource-labels';
export type { ProfilingSpanProcessorOptions, SpanProcessorLike } from './span-processor';
export type { WithProfilingOptions } from './node-sdk';
export type { SpanLabelScope, SpanLabel } from './span-profile';
export type { ContextSwitchListener } from './context-listeners';
export type { ThreadContextSupport } from './thread-context';

export declare const ProfilingSpanProcessor: typeof SpanProcessor.ProfilingSpanProcessor;
export type ProfilingSpanProcessor = SpanProcessor.ProfilingSpanProcessor;
export declare const isProfilingSpanProcessor: typeof SpanProcessor.isProfilingSpanProcessor;
lazyExports(exports, () => require('./span-processor') as typeof SpanProcessor, ['ProfilingSpanProcessor', 'isProfilingSpanProcessor']);

export declare const profilingContextManager: typeof ContextManager.profilingContextManager;
export declare const isProfilingContextManager: typeof ContextManager.isProfilingContextManager;
lazyExports(exports, () => require('./context-manager') as typeof ContextManager, ['profilingContextManager', 'isProfilingContextManager']);

export declare const withProfiling: typeof NodeSdk.withProfiling;
lazyExports(exports, () => require('./node-sdk') as typeof NodeSdk, ['withProfiling']);

export declare const SpanProfile: typeof SpanProfileFile.SpanProfile;
export type SpanProfile = SpanProfileFile.SpanProfile;
export declare const spanProfileOf: typeof SpanProfileFile.spanProfileOf;
export declare const PROFILE_ID_ATTRIBUTE: typeof SpanProfileFile.PROFILE_ID_ATTRIBUTE;
export declare const SPAN_ID_LABEL: typeof SpanProfileFile.SPAN_ID_LABEL;
export declare const TRACE_ID_LABEL: typeof SpanProfileFile.TRACE_ID_LABEL;
export declare const SPAN_NAME_LABEL: typeof SpanProfileFile.SPAN_NAME_LABEL;
lazyExports(exports, () => require('./span-profile') as typeof SpanProfileFile, [
  'SpanProfile', 'spanProfileOf', 'PROFILE_ID_ATTRIBUTE', 'SPAN_ID_LABEL', 'TRACE_ID_LABEL', 'SPAN_NAME_LABEL',
]);

export declare const spanLabelsSource: typeof SpanLabelsSource.spanLabelsSource;
export declare const acquireSpanLabels: typeof SpanLabelsSource.acquireSpanLabels;
lazyExports(exports, () => require('./span-labels-source') as typeof SpanLabelsSource, ['spanLabelsSource', 'acquireSpanLabels']);

export declare const addContextSwitchListener: typeof ContextListeners.addContextSwitchListener;
export declare const hasContextSwitchListeners: typeof ContextListeners.hasContextSwitchListeners;
lazyExports(exports, () => require('./context-listeners') as typeof ContextListeners, ['addContextSwitchListener', 'hasContextSwitchListeners']);

export declare const threadContextSupport: typeof ThreadContext.threadContextSupport;
export declare const enableThreadContext: typeof ThreadContext.enableThreadContext;
export declare const disableThreadContext: typeof ThreadContext.disableThreadContext;
export declare const currentThreadContext: typeof ThreadContext.currentThreadContext;
export declare const THREAD_CONTEXT_ATTRIBUTE_KEYS: typeof ThreadContext.THREAD_CONTEXT_ATTRIBUTE_KEYS;
lazyExports(exports, () => require('./thread-context') as typeof ThreadContext, [
  'threadContextSupport', 'enableThreadContext', 'disableThreadContext', 'currentThreadContext', 'THREAD_CONTEXT_ATTRIBUTE_KEYS',
]);

export declare const processContextAttributes: typeof ProcessContext.processContextAttributes;
lazyExports(exports, () => require('./process-context') as typeof ProcessContext, ['processContextAttributes']);

export declare const OtelApiError: typeof Errors.OtelApiError;
export type OtelApiError = Errors.OtelApiError;
export declare const OtelSdkIncompatibleError: typeof Errors.OtelSdkIncompatibleError;
export type OtelSdkIncompatibleError = Errors.OtelSdkIncompatibleError;
lazyExports(exports, () => require('./errors') as typeof Errors, ['OtelApiError', 'OtelSdkIncompatibleError']);

export declare const checkOtelApi: typeof OtelApiCheck.checkOtelApi;
lazyExports(exports, () => require('./otel-api-check') as typeof OtelApiCheck, ['checkOtelApi']);
