/**
 * ProfilingSpanProcessor: decides, when a span starts, which span identity its samples carry and
 * marks that span with `pyroscope.profile.id` so Grafana can link the trace to its profile.
 * It exports nothing; it only needs a slot in the tracer provider's processor list.
 */
import { componentLogger, otelApi } from '../otel-api';
import type { Context, Span } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors';
import {
  isSampled,
  PROFILE_ID_ATTRIBUTE,
  setSpanEnded,
  setSpanProfile,
  spanProfileOfSpan,
  SpanProfile,
  type SpanLabelScope,
} from './span-profile';
import { invalidateThreadContext } from './thread-context';
import { acquireSpanLabels } from './span-labels-source';
import { refreshSampleContext } from '../sampler';
import { rememberSdkResource, type ResourceLike } from './resource-labels';

const logger = componentLogger('otelprof/otel');

function observeResource(span: Span): void {
  const r = (span as unknown as { resource?: ResourceLike }).resource;
  // `in`, not a read: reading `attributes` while detectors are pending makes the SDK log an error.
  if (typeof r === 'object' && r !== null && 'attributes' in r) rememberSdkResource(r);
}

/** Options of {@link ProfilingSpanProcessor}. */
export interface ProfilingSpanProcessorOptions {
  /**
   * `'local-root'` (default): samples carry the id of the span's local root (a span whose parent
   * is remote or absent) and only that span gets `pyroscope.profile.id`, as Grafana's Go and Java
   * integrations do. `'all'`: every sampled span puts its own id on samples and gets the
   * attribute. `span_name` is the local root's name in both scopes, because Pyroscope turns it
   * into a series label and it must stay low-cardinality.
   */
  spans?: SpanLabelScope;
}

/**
 * The subset of the SDK's `SpanProcessor` contract (SDK 1.x/2.x/3.x) that this class fulfils;
 * structural so `@opentelemetry/sdk-trace-*` stays optional.
 */
export interface SpanProcessorLike {
  onStart(span: Span, parentContext: Context): void;
  onEnd(span: object): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The validated `spans` option (default `'local-root'`).
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if it is not `'local-root'` or `'all'`.
 */
export function spanLabelScope(options: ProfilingSpanProcessorOptions): SpanLabelScope {
  const scope = options.spans ?? 'local-root';
  if (scope !== 'local-root' && scope !== 'all') {
    throw new InvalidArgumentError(`spans must be 'local-root' or 'all' (actual: ${JSON.stringify(scope)})`);
  }
  return scope;
}

/** Brand so helpers recognise a processor from another copy of otelprof too. */
const BRAND = Symbol.for('otelprof.ProfilingSpanProcessor');

/** True if `p` is a ProfilingSpanProcessor (from any copy of otelprof). */
export function isProfilingSpanProcessor(p: unknown): p is ProfilingSpanProcessor {
  return typeof p === 'object' && p !== null && (p as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * A span processor that links spans to profiles. For each **sampled** span it records which
 * `span_id` / `trace_id` / `span_name` samples taken while the span is active carry (the sampler
 * reads them from the active context while CPU/wall profiling runs), and sets
 * the attribute `pyroscope.profile.id` (= the span id) on the span whose id is used, at start.
 * Unsampled spans get neither. Cheap: a WeakMap entry per span, one object per local root.
 *
 * Add it to the tracer provider (`new NodeTracerProvider({ spanProcessors: [new
 * ProfilingSpanProcessor(), ...] })`), or use `withProfiling()` for `NodeSDK`. Registering it
 * twice is harmless: the second instance leaves spans the first one handled alone.
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `options.spans` is not
 *   `'local-root'` or `'all'`.
 */
export class ProfilingSpanProcessor implements SpanProcessorLike {
  readonly [BRAND] = true;
  private readonly _allSpans: boolean;
  private _release: (() => void) | undefined;
  private _sawResource = false;

  constructor(options: ProfilingSpanProcessorOptions = {}) {
    this._allSpans = spanLabelScope(options) === 'all';
    this._release = acquireSpanLabels();
  }

  /** Which spans put their own id on samples. */
  get spans(): SpanLabelScope {
    return this._allSpans ? 'all' : 'local-root';
  }

  /** Records the span's profile identity and sets `pyroscope.profile.id` where it applies. */
  onStart(span: Span, parentContext: Context): void {
    try {
      if (!this._sawResource) {
        this._sawResource = true;
        observeResource(span);
      }
      if (spanProfileOfSpan(span) !== undefined || !isSampled(span)) return;
      const sc = span.spanContext();
      const parentProfile = this._localParentProfile(parentContext);
      let profile: SpanProfile;
      if (parentProfile === undefined) {
        profile = new SpanProfile(sc.spanId, sc.traceId, span as { name?: string });
      } else if (this._allSpans) {
        profile = new SpanProfile(sc.spanId, sc.traceId, undefined, parentProfile.rootProfile, parentProfile);
      } else {
        profile = parentProfile;
      }
      setSpanProfile(span, profile);
      if (profile.spanId === sc.spanId) span.setAttribute(PROFILE_ID_ATTRIBUTE, sc.spanId);
    } catch (err) {
      logger.error('ProfilingSpanProcessor.onStart failed', err);
    }
  }

  /**
   * Lets the local root's profile keep its final name and drop the span reference. When samples
   * carried this span's id, stops that: its contexts fall back to the parent's labels (as Go's
   * `End` restores them), the running code's sample context is re-read at once, and the span's
   * published thread-context record (if any) is marked invalid.
   */
  onEnd(span: object): void {
    try {
      const profile = spanProfileOfSpan(span);
      if (profile === undefined) return;
      if (profile.isRootSpan(span)) profile.rootEnded((span as { name?: string }).name ?? profile.spanName);
      const sc = (span as { spanContext?: () => { spanId: string } }).spanContext?.();
      if (sc === undefined || sc.spanId !== profile.spanId) return;
      setSpanEnded(span, profile);
      // `end()` usually runs inside the span's own context: later samples there must not carry it.
      refreshSampleContext();
      invalidateThreadContext(profile);
    } catch (err) {
      logger.error('ProfilingSpanProcessor.onEnd failed', err);
    }
  }

  /** Nothing is buffered: resolves at once. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Stops adding span labels to samples once no other processor needs them. Idempotent. */
  shutdown(): Promise<void> {
    this._release?.();
    this._release = undefined;
    return Promise.resolve();
  }

  /**
   * The profile of a local, valid parent span, or undefined when the new span is a local root
   * (no parent, remote parent) or its parent was never seen by a ProfilingSpanProcessor (e.g.
   * unsampled, or from another provider): the new span then starts its own local tree.
   */
  private _localParentProfile(parentContext: Context): SpanProfile | undefined {
    const { isSpanContextValid, trace } = otelApi();
    const parent = trace.getSpan(parentContext);
    if (parent === undefined) return undefined;
    const psc = parent.spanContext();
    if (psc.isRemote === true || !isSpanContextValid(psc)) return undefined;
    return spanProfileOfSpan(parent);
  }
}
