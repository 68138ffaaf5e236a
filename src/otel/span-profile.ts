/**
 * Per-span profiling identity: which span id, trace id and span name the samples taken while a
 * span is active carry. Computed once per span at start (by the ProfilingSpanProcessor) and kept
 * in a WeakMap, so resolving the labels of a context on every context switch allocates nothing.
 */
import type { Context, Span } from '@opentelemetry/api';
import { otelApi } from '../otel-api';

/** Which spans put their own id on samples: the local root only (default) or every span. */
export type SpanLabelScope = 'local-root' | 'all';

/** Sample label keys (Pyroscope's span-profile names). */
export const SPAN_ID_LABEL = 'span_id';
export const TRACE_ID_LABEL = 'trace_id';
export const SPAN_NAME_LABEL = 'span_name';
/** The span attribute Grafana's "Profiles for this span" link looks for. */
export const PROFILE_ID_ATTRIBUTE = 'pyroscope.profile.id';

/** A string sample label; structurally a pprof `Label` (src/pprof/model.ts). */
export interface SpanLabel {
  readonly key: string;
  readonly str: string;
}

/** A span object with the SDK's readable name (SDK `Span`/`ReadableSpan` have it). */
interface NamedSpan {
  readonly name?: string;
}

/**
 * What the samples taken under one span carry. One instance per labelled span (root-only scope:
 * per local root, shared by all its local descendants). `spanName` is read from the local root
 * until it ends, so late renames (`GET` -> `GET /users/:id`) show up in the profile.
 */
export class SpanProfile {
  /** 16 lowercase hex: the span id samples carry (local root's, or the span's own). */
  readonly spanId: string;
  /** 32 lowercase hex. */
  readonly traceId: string;
  private _root: NamedSpan | undefined;
  private _name: string;
  private _labels: SpanLabel[] | undefined;
  private _labelsName: string | undefined;
  private readonly _rootProfile: SpanProfile | undefined;
  /** In `all` scope, the parent span's profile: what its contexts carry once this span ended. */
  readonly parent: SpanProfile | undefined;

  /**
   * @param root the local root span, whose name is read until it ends
   * @param rootProfile in `all` scope, the local root's profile, which then supplies the name
   * @param parent in `all` scope, the profile of the local parent span
   */
  constructor(spanId: string, traceId: string, root: NamedSpan | undefined, rootProfile?: SpanProfile, parent?: SpanProfile) {
    this.spanId = spanId;
    this.traceId = traceId;
    this._root = root;
    this._name = root?.name ?? '';
    this._rootProfile = rootProfile;
    this.parent = parent;
  }

  /** The local root span's name (low cardinality: it becomes a Pyroscope series label). */
  get spanName(): string {
    if (this._rootProfile !== undefined) return this._rootProfile.spanName;
    return this._root?.name ?? this._name;
  }

  /** The local root's profile (itself when this is the root's own). */
  get rootProfile(): SpanProfile {
    return this._rootProfile ?? this;
  }

  /** True if `span` is the root span whose name this profile reads. */
  isRootSpan(span: object): boolean {
    return this._root === span;
  }

  /** Drops the reference to the root span once it has ended, keeping its final name. */
  rootEnded(finalName: string): void {
    this._name = finalName;
    this._root = undefined;
  }

  /**
   * The pprof sample labels `span_id`, `trace_id`, `span_name` (omitted when empty). The array
   * is cached and rebuilt only if the root was renamed; callers must not mutate it.
   */
  labels(): readonly SpanLabel[] {
    const name = this.spanName;
    if (this._labels === undefined || this._labelsName !== name) {
      const labels: SpanLabel[] = [
        { key: SPAN_ID_LABEL, str: this.spanId },
        { key: TRACE_ID_LABEL, str: this.traceId },
      ];
      if (name !== '') labels.push({ key: SPAN_NAME_LABEL, str: name });
      this._labels = labels;
      this._labelsName = name;
    }
    return this._labels;
  }
}

// Shared through globalThis so two copies of otelprof in one process agree on span identity.
function sharedWeakMap<V>(key: symbol): WeakMap<object, V> {
  const g = globalThis as unknown as Record<symbol, WeakMap<object, V> | undefined>;
  let r = g[key];
  if (r === undefined) {
    r = new WeakMap();
    g[key] = r;
  }
  return r;
}
const spans = sharedWeakMap<SpanProfile>(Symbol.for('otelprof.otel.spanProfiles'));
// Ended spans whose id samples carried, mapped to what their contexts carry from then on (the
// parent's profile, or null): Go's End restores the parent context's labels. The identity in
// `spans` stays, so spans started later under an ended root still join its tree.
const endedSpans = sharedWeakMap<SpanProfile | null>(Symbol.for('otelprof.otel.endedSpans'));

/** Records the profile identity of a started span (internal, used by the processor). */
export function setSpanProfile(span: object, profile: SpanProfile): void {
  spans.set(span, profile);
}

/** The profile identity of a span started under a ProfilingSpanProcessor, if it has one. */
export function spanProfileOfSpan(span: object | undefined): SpanProfile | undefined {
  return span === undefined ? undefined : spans.get(span);
}

/**
 * Marks `span`, which owned `profile` (samples carried its id), as ended: its contexts carry the
 * parent's profile from now on (`all` scope), or no span labels (a local root).
 */
export function setSpanEnded(span: object, profile: SpanProfile): void {
  endedSpans.set(span, profile.parent ?? null);
}

/**
 * The span labels samples must carry while `ctx` is active, or `undefined` (no span, an
 * unsampled span, a span not seen by a ProfilingSpanProcessor, or a local root that has ended).
 * Allocation-free: one context lookup and at most two WeakMap lookups, so it is safe to call on
 * every async context switch.
 */
export function spanProfileOf(ctx: Context): SpanProfile | undefined {
  const span = otelApi().trace.getSpan(ctx);
  if (span === undefined) return undefined;
  const profile = spans.get(span);
  if (profile === undefined) return undefined;
  const afterEnd = endedSpans.get(span);
  return afterEnd === undefined ? profile : afterEnd ?? undefined;
}

/** True when the span's trace flags have the sampled bit. */
export function isSampled(span: Span): boolean {
  const sampled = otelApi().TraceFlags.SAMPLED;
  return (span.spanContext().traceFlags & sampled) === sampled;
}
