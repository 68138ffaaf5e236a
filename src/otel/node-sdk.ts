/**
 * One-call profiling setup for `@opentelemetry/sdk-node`'s NodeSDK: adds a ProfilingSpanProcessor
 * without losing the SDK's own (explicit or env-configured) span processors, and wraps the context
 * manager so the profiler follows every context switch.
 */
import type { ContextManager } from '@opentelemetry/api';
import { componentLogger, requireOtelPackage } from '../otel-api';
import { dirname, join } from 'node:path';
import { profilingContextManager } from './context-manager';
import { OtelSdkIncompatibleError } from './errors';
import { checkOtelApi } from './otel-api-check';
import {
  isProfilingSpanProcessor,
  ProfilingSpanProcessor,
  spanLabelScope,
  type ProfilingSpanProcessorOptions,
} from './span-processor';
import { enableThreadContext } from './thread-context';

const logger = componentLogger('otelprof/otel');

/** Options of {@link withProfiling}. */
export interface WithProfilingOptions extends ProfilingSpanProcessorOptions {
  /**
   * Publish the OTel thread context (OTEP 4947) for out-of-process eBPF profilers, where the
   * runtime supports it (Linux with AsyncContextFrame: Node 24+). Default false.
   */
  threadContext?: boolean;
}

/** The NodeSDK options `withProfiling` reads or sets (NodeSDK 0.200+; others pass through). */
interface SdkOptionFields {
  contextManager?: ContextManager | null;
  spanProcessors?: unknown[];
  spanProcessor?: unknown;
  traceExporter?: unknown;
}

type SdkInternals = {
  getSpanProcessorsFromEnv?: (meterProvider?: unknown) => unknown[];
  createBatchSpanProcessorFromEnv?: (exporter: unknown, meterProvider?: unknown) => unknown;
};

/** Loads one of sdk-node's internal modules (no `exports` map restricts them in 0.2xx). */
function sdkInternal(file: string): SdkInternals {
  let entry: string;
  try {
    entry = require.resolve('@opentelemetry/sdk-node');
  } catch {
    requireOtelPackage('@opentelemetry/sdk-node', 'withProfiling()');
    throw new OtelSdkIncompatibleError('withProfiling: cannot resolve @opentelemetry/sdk-node');
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(join(dirname(entry), file)) as SdkInternals;
  } catch {
    return {};
  }
}

const INCOMPATIBLE_HINT =
  'pass spanProcessors explicitly (your exporter\'s BatchSpanProcessor plus new ProfilingSpanProcessor())';

/** The processors NodeSDK would build itself from `spanProcessor`, `traceExporter` or the env. */
function sdkDefaultProcessors(opts: SdkOptionFields): unknown[] {
  if (opts.spanProcessor !== undefined && opts.spanProcessor !== null) return [opts.spanProcessor];
  if (opts.traceExporter !== undefined && opts.traceExporter !== null) {
    const create = sdkInternal('create-from-env').createBatchSpanProcessorFromEnv;
    if (typeof create !== 'function') {
      throw new OtelSdkIncompatibleError(`withProfiling: this @opentelemetry/sdk-node cannot wrap traceExporter; ${INCOMPATIBLE_HINT}`);
    }
    return [create(opts.traceExporter, undefined)];
  }
  const fromEnv = sdkInternal('utils').getSpanProcessorsFromEnv;
  if (typeof fromEnv !== 'function') {
    throw new OtelSdkIncompatibleError(`withProfiling: this @opentelemetry/sdk-node does not expose its env span processors; ${INCOMPATIBLE_HINT}`);
  }
  return fromEnv(undefined);
}

function sdkContextManager(cm: ContextManager | null | undefined): ContextManager | null {
  if (cm === null) {
    logger.debug('withProfiling: contextManager is null; pass yours through profilingContextManager() for thread context');
    return null;
  }
  return profilingContextManager(cm);
}

/**
 * Returns a copy of `NodeSDK` options with profiling added: `new NodeSDK(withProfiling({ ... }))`.
 *
 * - `spanProcessors` becomes `[new ProfilingSpanProcessor(profiling), ...]` followed by the
 *   processors NodeSDK would have used: yours (`spanProcessors`, `spanProcessor`), or a batch
 *   processor for `traceExporter`, or the ones `OTEL_TRACES_EXPORTER` & co. configure, so
 *   env-configured exporters keep working. If that list is empty (`OTEL_TRACES_EXPORTER=none`),
 *   nothing is added and tracing stays off, as the SDK decided.
 * - `contextManager` goes through `profilingContextManager()` (the SDK default,
 *   `AsyncLocalStorageContextManager`, when unset; left alone when `null`).
 * - With `profiling.threadContext`, OTEP-4947 thread context is published where supported.
 *
 * With `OTEL_SDK_DISABLED=true` (NodeSDK then does nothing) the options come back unchanged.
 *
 * Idempotent: options that already hold a ProfilingSpanProcessor or an instrumented context
 * manager keep them and get no second one. Registers nothing globally itself (NodeSDK's
 * `start()` does).
 *
 * @throws OtelApiError `PPROF_ERR_OTEL_API_MISSING` / `PPROF_ERR_OTEL_API_INCOMPATIBLE` when
 *   `@opentelemetry/api`, `@opentelemetry/sdk-node` or `@opentelemetry/context-async-hooks` is
 *   missing or unusable; OtelSdkIncompatibleError `PPROF_ERR_OTEL_SDK_INCOMPATIBLE` when the
 *   SDK's env-configured processors cannot be rebuilt (pass `spanProcessors` then);
 *   InvalidArgumentError for bad `profiling` options.
 */
export function withProfiling<T extends object>(options?: T, profiling: WithProfilingOptions = {}): T {
  checkOtelApi();
  spanLabelScope(profiling);
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    // NodeSDK will not start: build no exporters and wrap nothing for it.
    logger.debug('withProfiling: OTEL_SDK_DISABLED=true; options returned unchanged');
    return { ...(options ?? {}) } as T;
  }
  const opts = { ...(options ?? {}) } as T & SdkOptionFields;
  const base = opts.spanProcessors !== undefined ? [...opts.spanProcessors] : sdkDefaultProcessors(opts);
  if (base.some(isProfilingSpanProcessor)) {
    opts.spanProcessors = base;
  } else if (base.length === 0) {
    logger.debug('withProfiling: no span processors (tracing disabled); span profiles stay off');
    opts.spanProcessors = base;
  } else {
    // Created only when used: a processor keeps span labels enabled until it shuts down.
    opts.spanProcessors = [new ProfilingSpanProcessor(profiling), ...base];
  }
  // The deprecated single processor is now in the list; leaving it would make NodeSDK warn.
  delete opts.spanProcessor;
  opts.contextManager = sdkContextManager(opts.contextManager);
  if (profiling.threadContext === true) enableThreadContext();
  return opts;
}
