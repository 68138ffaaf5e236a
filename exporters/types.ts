/**
 * The contract between the scheduler and every exporter (Pyroscope, OTLP, file).
 *
 * Shape (one, promise-based): `export(batch)` hands over one period's profiles and returns a
 * promise that settles with the final outcome of that batch (delivered, dropped, rejected) and
 * **never rejects**. The scheduler need not await it before the next period: exporters queue,
 * bound their memory and settle old promises as their batches leave the queue. `forceFlush()`
 * waits for queued work (bounded by the exporter's own flush timeout); `shutdown()` is idempotent.
 */
import type { Profile } from '../src/pprof/model';

/** Numeric values match `@opentelemetry/core`'s `ExportResultCode`, so results are interchangeable. */
export const ExportResultCode = {
  SUCCESS: 0,
  FAILED: 1,
} as const;
/** `ExportResultCode.SUCCESS` (0) or `ExportResultCode.FAILED` (1). */
export type ExportResultCode = (typeof ExportResultCode)[keyof typeof ExportResultCode];

/**
 * Why a batch (or part of it) was not delivered:
 * - `dropped`: pushed out of a full queue, or retries exhausted;
 * - `rejected`: the server refused it with a non-retryable status (4xx other than 429);
 * - `invalid`: nothing in the batch could be sent (e.g. no profiles, encoding failed);
 * - `shutdown`: exported after, or still queued at, `shutdown()`;
 * - `io`: a local write failed (file exporter).
 */
export type ExportFailureReason = 'dropped' | 'rejected' | 'invalid' | 'shutdown' | 'io';

/** Outcome of one `export()` call. Compatible with OTel's `ExportResult` (`code`, `error`). */
export type ExportResult =
  | { code: typeof ExportResultCode.SUCCESS }
  | { code: typeof ExportResultCode.FAILED; error: Error; reason: ExportFailureReason };

/** One profile of a period, with the otelprof type it belongs to. */
export interface TypedProfile {
  /** `cpu`, `wall`, `heap`, `allocs`, `goroutine`, `threadcreate`, `block`, `mutex`, or a custom profile name. */
  type: string;
  /** The profile. Exporters never mutate it (it may be shared by several exporters). */
  profile: Profile;
}

/** One period's worth of profiles, as the scheduler produces it. */
export interface ProfileBatch {
  /** Start of the period, nanoseconds since the Unix epoch. */
  startNanos: bigint;
  /** End of the period, nanoseconds since the Unix epoch. */
  endNanos: bigint;
  /** Every profile of the period (at most one per type). */
  profiles: TypedProfile[];
  /**
   * Series labels already merged: `service_name` (required by Pyroscope) + resource labels +
   * static labels. Span ids are not here: they are sample labels inside the profiles.
   */
  seriesLabels: Record<string, string>;
}

/** What the scheduler talks to. Implemented by every exporter in `exporters/`. */
export interface ProfileExporter {
  /**
   * Queues one period for delivery. The promise settles once the batch is delivered, dropped or
   * refused, and never rejects. Calling `export` after `shutdown()` resolves with `shutdown`.
   */
  export(batch: ProfileBatch): Promise<ExportResult>;
  /** Waits until queued batches have settled, or the exporter's flush timeout passed. Never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes, then releases connections and timers. Idempotent: every call returns the same promise. */
  shutdown(): Promise<void>;
}

/** A successful result (shared instance; results are read-only). */
export const EXPORT_SUCCESS: ExportResult = Object.freeze({ code: ExportResultCode.SUCCESS });

/** Builds a failed result. */
export function exportFailure(reason: ExportFailureReason, error: Error): ExportResult {
  return { code: ExportResultCode.FAILED, error, reason };
}
