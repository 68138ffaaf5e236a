/**
 * Publishes the OTel thread context (OTEP 4947) for out-of-process (eBPF) profilers, through
 * `@datadog/pprof`'s `otelThreadCtx` writer: while a labelled span is active, the thread-local
 * record holds its trace id, span id (the same id the in-process samples carry) and trace flags,
 * plus the attribute `span_name`. Off by default; feature-detected (Linux with AsyncContextFrame,
 * i.e. Node 24+, or 22.7+ with the flag); a no-op elsewhere.
 */
import { componentLogger } from '../otel-api';
import type { Context } from '@opentelemetry/api';
import { addContextSwitchListener, type ContextSwitchListener } from './context-listeners';
import { spanProfileOf, type SpanProfile } from './span-profile';

const logger = componentLogger('otelprof/otel');

/** Attribute keys of each thread-context record, by index (OTEP 4947 key map). */
export const THREAD_CONTEXT_ATTRIBUTE_KEYS: readonly string[] = Object.freeze(['span_name']);

interface ThreadContextRecord {
  enter(): void;
  invalidate(): void;
}
interface OtelThreadCtx {
  ThreadContext: new (traceId: Uint8Array, spanId: Uint8Array, traceFlags?: number, attributes?: Array<string | null | undefined>) => ThreadContextRecord;
  getContext(): ThreadContextRecord | undefined;
  clearContext(): void;
  getProcessContextAttributes(keys: string[]): Readonly<Record<string, unknown>>;
}

/** Result of {@link threadContextSupport}. */
export type ThreadContextSupport =
  | { readonly supported: true; readonly processContextAttributes: Readonly<Record<string, unknown>> }
  | { readonly supported: false; readonly reason: string };

let support: ThreadContextSupport | undefined;
let writer: OtelThreadCtx | undefined;

/**
 * Whether this process can publish OTEP-4947 thread context: Linux, `@datadog/pprof` with
 * `otelThreadCtx` loadable, and AsyncContextFrame active. When supported, also returns the
 * OTEP-4719 process-context attributes (`threadlocal.schema_version`,
 * `threadlocal.attribute_key_map`) a process-context publisher must add. Memoized; never throws.
 */
export function threadContextSupport(): ThreadContextSupport {
  if (support !== undefined) return support;
  if (process.platform !== 'linux') {
    support = { supported: false, reason: `the OTEP-4947 reader contract is Linux-only (platform: ${process.platform})` };
    return support;
  }
  try {
    // Lazy: loading the addon is not free and must not happen on import.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@datadog/pprof') as { otelThreadCtx?: OtelThreadCtx };
    if (mod.otelThreadCtx === undefined) throw new Error('@datadog/pprof has no otelThreadCtx (needs 5.16+)');
    // Throws with the reason (e.g. AsyncContextFrame inactive on Node 20) when unpublishable.
    const attrs = mod.otelThreadCtx.getProcessContextAttributes([...THREAD_CONTEXT_ATTRIBUTE_KEYS]);
    writer = mod.otelThreadCtx;
    support = { supported: true, processContextAttributes: attrs };
  } catch (err) {
    support = { supported: false, reason: err instanceof Error ? err.message : String(err) };
  }
  return support;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// One native record per span profile (per local root by default): re-entering the same record
// is allocation-free in the writer.
const records = new WeakMap<SpanProfile, ThreadContextRecord>();

function recordFor(w: OtelThreadCtx, profile: SpanProfile): ThreadContextRecord {
  let rec = records.get(profile);
  if (rec === undefined) {
    // Only sampled spans get a SpanProfile, hence trace flags 01.
    rec = new w.ThreadContext(hexToBytes(profile.traceId), hexToBytes(profile.spanId), 1, [profile.spanName]);
    records.set(profile, rec);
  }
  return rec;
}

/** Marks a finished span's record invalid in every async frame still holding it. */
export function invalidateThreadContext(profile: SpanProfile): void {
  records.get(profile)?.invalidate();
}

class ThreadContextPublisher implements ContextSwitchListener {
  private readonly _w: OtelThreadCtx;
  constructor(w: OtelThreadCtx) {
    this._w = w;
  }
  enter(ctx: Context): void {
    const profile = spanProfileOf(ctx);
    const current = this._w.getContext();
    if (profile === undefined) {
      if (current !== undefined) this._w.clearContext();
      return;
    }
    const rec = recordFor(this._w, profile);
    // Skip redundant writes: each enter() swaps the async-context frame.
    if (current !== rec) rec.enter();
  }
  // `with()` returning restores the frame (and its record) by itself, so this usually writes
  // nothing; but disposing an `attach()` token restores only the OTel context, not our record.
  exit(restored: Context): void {
    this.enter(restored);
  }
}

let unsubscribe: (() => void) | undefined;

/**
 * Starts publishing the OTel thread context on every context switch made through a context
 * manager instrumented by `profilingContextManager()`. Returns true if publishing is on, false
 * (with a debug log) when {@link threadContextSupport} says the runtime cannot; idempotent.
 * Never throws.
 */
export function enableThreadContext(): boolean {
  if (unsubscribe !== undefined) return true;
  const s = threadContextSupport();
  if (!s.supported || writer === undefined) {
    logger.debug(`OTel thread context not published: ${s.supported ? 'writer unavailable' : s.reason}`);
    return false;
  }
  unsubscribe = addContextSwitchListener(new ThreadContextPublisher(writer));
  return true;
}

/** Stops publishing (records already entered stay until their async frames end). Idempotent. */
export function disableThreadContext(): void {
  unsubscribe?.();
  unsubscribe = undefined;
}

/** The thread-context record the current async frame exposes (for tests and diagnostics). */
export function currentThreadContext(): unknown {
  return writer?.getContext();
}
