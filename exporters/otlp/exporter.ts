/**
 * The OTLP Profiles exporter: each batch becomes one `ExportProfilesServiceRequest`
 * (v1development) POSTed as `application/x-protobuf` to the collector's `/v1development/profiles`,
 * through the shared bounded queue and retry policy (`exporters/shared`).
 */
import { EXPORT_SUCCESS, exportFailure, type ExportResult, type ProfileBatch, type ProfileExporter } from '../types';
import { Delivery, exporterTransport, isOtlpRetryableStatus, LogOnce, SelfMetrics, type DeliveryItem } from '../shared';
import { gzip } from '../../src/pprof';
import { encodeRequest } from './encode';
import { resolveOtlpOptions, type OtlpExporterOptions, type ResolvedOtlpOptions } from './options';
import { batchToOtlp } from './transform';

const NAMESPACE = 'otelprof/exporters/otlp';

/**
 * Sends profiles to an OTLP Profiles receiver (OpenTelemetry Collector with
 * `--feature-gates=service.profilesSupport`, Grafana Pyroscope's `/v1development/profiles`).
 * `export()` never rejects; failures settle as `ExportResult`s and are logged through diag.
 */
export class OtlpProfileExporter implements ProfileExporter {
  /** The settings in effect (after code > env > default). */
  readonly options: ResolvedOtlpOptions;
  private readonly _delivery: Delivery;
  private readonly _metrics: SelfMetrics;
  private readonly _log: LogOnce;
  private readonly _preparing = new Set<Promise<unknown>>();
  private _shutdown: Promise<void> | undefined;

  /** Throws `InvalidArgumentError` for bad options in code; bad env values are warned about and ignored. */
  constructor(options: OtlpExporterOptions = {}) {
    this.options = resolveOtlpOptions(options);
    const o = this.options;
    this._log = new LogOnce(NAMESPACE);
    this._metrics = new SelfMetrics('otlp', o.meterProvider);
    const transport = exporterTransport({ endpoint: o.url, timeoutMillis: o.timeoutMillis, keepAliveMillis: o.keepAliveMillis, tls: o.tls });
    this._delivery = new Delivery(transport, {
      maxQueueItems: o.maxQueueItems,
      maxQueueBytes: o.maxQueueBytes,
      maxAttempts: o.maxAttempts,
      backoff: o.backoff,
      flushTimeoutMillis: o.flushTimeoutMillis,
      retryableStatus: isOtlpRetryableStatus,
    }, this._metrics, this._log);
  }

  /** Transforms, encodes and queues one batch; settles when it is delivered, dropped or refused. */
  private _ordered: Promise<void> = Promise.resolve();

  export(batch: ProfileBatch): Promise<ExportResult> {
    if (this._shutdown) return Promise.resolve(exportFailure('shutdown', new Error('OTLP exporter is shut down')));
    let settle!: (r: ExportResult) => void;
    const result = new Promise<ExportResult>((resolve) => (settle = resolve));
    // Tracked until the request is in the queue, so forceFlush() also waits for batches still
    // being encoded (gzip runs on the threadpool).
    // Batches encode in parallel (gzip finishes in any order) but enter the queue in export() order.
    const prepared = this._prepare(batch);
    // Chained only after the batches before it: marked handled now, or a malformed batch's
    // rejection would reach the host as unhandled while they are still encoding.
    prepared.catch(() => undefined);
    const queued = this._ordered
      .then(() => prepared)
      .then((ready) => ('code' in ready ? settle(ready) : this._delivery.enqueue({ ...ready, settle })))
      .catch((err: unknown) => settle(exportFailure('invalid', err instanceof Error ? err : new Error(String(err)))))
      .finally(() => this._preparing.delete(queued));
    this._ordered = queued;
    this._preparing.add(queued);
    return result;
  }

  /** Waits for batches being encoded, then for queued requests (at most `flushTimeoutMillis`). Never rejects. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this._preparing]);
    await this._delivery.forceFlush();
  }

  private async _prepare(batch: ProfileBatch): Promise<ExportResult | Omit<DeliveryItem, 'settle'>> {
    const types = batch.profiles.map((p) => p.type).join(', ');
    try {
      if (batch.profiles.length === 0) throw new Error('batch has no profiles');
      const { request, stats } = batchToOtlp(batch, { resourceAttributes: this.options.resourceAttributes, scope: { name: 'otelprof', version: this.options.scopeVersion } });
      if (stats.droppedLabels > 0) this._log.warn('dropped-labels', `otelprof: OTLP export dropped ${stats.droppedLabels} sample labels (repeated keys or malformed span_id/trace_id)`);
      // Every sample was zero: nothing to store, and receivers would drop the series anyway.
      if (stats.profiles === 0) return EXPORT_SUCCESS;
      let body = encodeRequest(request);
      if (this.options.compression === 'gzip') body = await gzip(body);
      const describe = `OTLP export of ${stats.profiles} profiles (${types})`;
      return { bytes: body.byteLength, profiles: stats.profiles, describe, request: { path: '', headers: this._headers(), body } };
    } catch (err) {
      const error = new Error(`OTLP export of ${types || 'nothing'} failed before sending: ${err instanceof Error ? err.message : String(err)}`);
      this._log.error('invalid', `otelprof: ${error.message}`);
      this._metrics.dropped(batch.profiles.length, 'invalid');
      return exportFailure('invalid', error);
    }
  }

  /** Flushes (one `flushTimeoutMillis` in all), drops what is left, closes connections. Idempotent. */
  shutdown(): Promise<void> {
    // Delivery.shutdown() flushes itself: a forceFlush() before it would double the deadline.
    this._shutdown ??= Promise.all([...this._preparing]).then(() => this._delivery.shutdown()).catch((err: unknown) => this._log.error('shutdown', `otelprof: OTLP exporter shutdown failed: ${String(err)}`));
    return this._shutdown;
  }

  private _headers(): Record<string, string> {
    const h: Record<string, string> = { ...this.options.headers, 'content-type': 'application/x-protobuf' };
    if (this.options.compression === 'gzip') h['content-encoding'] = 'gzip';
    return h;
  }
}

/** Creates an {@link OtlpProfileExporter}. Throws `InvalidArgumentError` for bad options. */
export function createOtlpExporter(options?: OtlpExporterOptions): ProfileExporter & { readonly options: ResolvedOtlpOptions } {
  return new OtlpProfileExporter(options);
}
