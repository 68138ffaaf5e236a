import { encode, gzip, yieldToEventLoop } from '../../src/pprof';
import { Delivery, type DeliveryItem } from '../shared/delivery';
import { LogOnce } from '../shared/log-once';
import { SelfMetrics } from '../shared/self-metrics';
import { exporterTransport } from '../shared/transport-warm-up';
import { EXPORT_SUCCESS, ExportResultCode, exportFailure, type ExportResult, type ProfileBatch, type ProfileExporter, type TypedProfile } from '../types';
import { LabelSanitizer } from './labels';
import { resolvePyroscopeOptions, type PyroscopeExporterOptions, type ResolvedPyroscopeOptions } from './options';
import { encodePushRequest, ingestPath, prepareProfile, type PreparedProfile } from './requests';

const PUSH_PATH = '/push.v1.PusherService/Push';

/** Pyroscope's default `ingestion_burst_size_mb`: a bigger single profile is always refused (429). */
const PYROSCOPE_BURST_BYTES = 2 << 20;

/**
 * A prepared profile, gzipped, without the profile itself (only its bytes are sent); `overBurst`
 * when its uncompressed size exceeds Pyroscope's default burst.
 */
type Encoded = Omit<PreparedProfile, 'profile'> & { raw: Uint8Array; overBurst: boolean };

/** The period of a batch, for `/ingest`'s from and until. */
type Period = Pick<ProfileBatch, 'startNanos' | 'endNanos'>;

/**
 * The Push requests of one period: every profile in one request, except those over the burst,
 * each alone. Pyroscope stores a request's series one by one, so the 429 such a profile gets
 * would make every retry store the other series of its request again.
 */
function pushGroups(encoded: Encoded[]): Encoded[][] {
  const fits = encoded.filter((e) => !e.overBurst);
  return [...(fits.length > 0 ? [fits] : []), ...encoded.filter((e) => e.overBurst).map((e) => [e])];
}

/**
 * Uploads each period's profiles to Grafana Pyroscope: by default one Push API call
 * (`/push.v1.PusherService/Push`, protobuf) carrying every type of the period, or one
 * `/ingest?format=pprof` call per profile (`route: 'ingest'`).
 *
 * Labels are checked against Pyroscope's rules first and fixed where possible (see
 * {@link LabelSanitizer}). Delivery is queued and retried (network errors, timeouts, 5xx, 429
 * with `Retry-After`), bounded in items and bytes (the oldest is dropped and counted). Nothing
 * is thrown into the caller: problems go to the OTel diag logger (once per kind) and to the
 * self-metrics `otelprof.exporter.*` (`exporter="pyroscope"`).
 *
 * @throws InvalidArgumentError from the constructor for bad options.
 */
export class PyroscopeExporter implements ProfileExporter {
  private readonly _opts: ResolvedPyroscopeOptions;
  private readonly _log = new LogOnce('otelprof/exporters/pyroscope');
  private readonly _metrics: SelfMetrics;
  private readonly _sanitizer: LabelSanitizer;
  private readonly _delivery: Delivery;
  private _shutdown: Promise<void> | undefined;
  // Batches are queued in export() call order, whatever order their preparation (encode, gzip) ends in.
  private _ordered: Promise<unknown> = Promise.resolve();

  /** Validates the options; opens no connection until the first export. */
  constructor(options: PyroscopeExporterOptions = {}) {
    this._opts = resolvePyroscopeOptions(options);
    this._metrics = new SelfMetrics('pyroscope', this._opts.meterProvider);
    this._sanitizer = new LabelSanitizer(this._opts.labelRules, this._log);
    const transport = exporterTransport({
      endpoint: this._opts.endpoint,
      timeoutMillis: this._opts.timeoutMillis,
      keepAliveMillis: this._opts.keepAliveMillis,
      tls: this._opts.tls,
    });
    this._delivery = new Delivery(transport, this._opts, this._metrics, this._log);
  }

  /** Requests waiting for delivery and their bytes (for tests and diagnostics). */
  get queue(): { items: number; bytes: number } {
    return { items: this._delivery.queued, bytes: this._delivery.queuedBytes };
  }

  /**
   * See {@link ProfileExporter.export}. Never rejects.
   *
   * Not an async function (nor is `_encodeOne`): a suspended async frame keeps its arguments, and
   * the batch's profiles would stay reachable until the upload ends, across the app's scavenges,
   * which V8 counts towards growing its young generation (bench/RESULTS.md, twenty-seventh pass).
   * Each profile is let go once encoded; only its bytes wait for the upload.
   */
  export(batch: ProfileBatch): Promise<ExportResult> {
    const count = Array.isArray(batch?.profiles) ? batch.profiles.length : 0;
    if (this._shutdown) {
      this._metrics.dropped(count, 'shutdown');
      return Promise.resolve(exportFailure('shutdown', new Error('PyroscopeExporter is shut down')));
    }
    let encoding: Promise<Encoded[]>;
    let period: Period;
    try {
      period = { startNanos: batch.startNanos, endNanos: batch.endNanos };
      encoding = this._encode([...batch.profiles], batch.seriesLabels ?? {});
    } catch (err) {
      return Promise.resolve(this._badBatch(count, err));
    }
    return this._deliver(count, encoding, period);
  }

  private async _deliver(count: number, encoding: Promise<Encoded[]>, period: Period): Promise<ExportResult> {
    try {
      // Awaited only after the batches before it: marked handled now, or a rejection would reach
      // the host as unhandled while they are still encoding.
      encoding.catch(() => undefined);
      const queued = this._ordered.then(async () => {
        const encoded = await encoding;
        const requests = this._opts.route === 'push' ? pushGroups(encoded).map((g) => this._pushItem(g)) : encoded.map((e) => this._ingestItem(e, period));
        return { encoded: encoded.length, sent: requests.map((r) => this._send(r)) };
      });
      this._ordered = queued.catch(() => undefined);
      const { encoded, sent } = await queued;
      if (encoded === 0) {
        return count === 0 ? EXPORT_SUCCESS : exportFailure('invalid', new Error('no profile of the batch could be encoded'));
      }
      const results = await Promise.all(sent);
      return results.find((r) => r.code !== ExportResultCode.SUCCESS) ?? EXPORT_SUCCESS;
    } catch (err) {
      return this._badBatch(count, err);
    }
  }

  /** Only a malformed batch gets here (e.g. not an object): counted, never thrown. */
  private _badBatch(count: number, err: unknown): ExportResult {
    this._log.error('bad-batch', `otelprof: export failed: ${String(err)}`);
    this._metrics.dropped(count, 'invalid');
    return exportFailure('invalid', err instanceof Error ? err : new Error(String(err)));
  }

  /** See {@link ProfileExporter.forceFlush}: waits for exports still encoding, then for the queue. */
  async forceFlush(): Promise<void> {
    await this._ordered;
    await this._delivery.forceFlush();
  }

  /** See {@link ProfileExporter.shutdown}. Idempotent. */
  shutdown(): Promise<void> {
    this._shutdown ??= this._ordered.then(() => this._delivery.shutdown()).catch((err: unknown) => {
      this._log.error('shutdown', `otelprof: shutdown failed: ${String(err)}`);
    });
    return this._shutdown;
  }

  /**
   * Prepares and gzips every profile of `profiles` (the exporter's own copy of the batch's list,
   * emptied as it goes); a bad one is dropped (logged, counted), the others go on.
   */
  private async _encode(profiles: Array<TypedProfile | undefined>, seriesLabels: Record<string, string>): Promise<Encoded[]> {
    // One profile per event-loop turn (encoding is synchronous); their gzips overlap on the threadpool.
    const pending: Array<Promise<Encoded | undefined>> = [];
    for (let i = 0; i < profiles.length; i++) {
      await yieldToEventLoop();
      // No local for it: a suspended frame keeps its locals' registers too.
      pending.push(this._encodeOne(profiles[i], seriesLabels));
      profiles[i] = undefined;
    }
    const out = await Promise.all(pending);
    return out.filter((p): p is Encoded => p !== undefined);
  }

  private _encodeOne(tp: TypedProfile | undefined, seriesLabels: Record<string, string>): Promise<Encoded | undefined> {
    const what = String(tp?.type);
    try {
      const { type, name, labels, profile } = prepareProfile(tp as TypedProfile, seriesLabels, this._opts.route, this._sanitizer);
      const bytes = encode(profile);
      const overBurst = bytes.byteLength > PYROSCOPE_BURST_BYTES;
      if (overBurst) {
        this._log.warn('profile-too-big', `otelprof: the ${type} profile is ${(bytes.byteLength / 1048576).toFixed(1)} MiB uncompressed; Pyroscope's default ingestion burst (2 MiB) refuses larger profiles with 429 and 4 MiB is its size limit`);
      }
      // The callbacks see neither `tp` nor `profile`, so the gzip's wait does not keep them.
      return gzip(bytes).then((raw) => ({ type, name, labels, raw, overBurst }), (err: unknown) => this._invalid(what, err));
    } catch (err) {
      return Promise.resolve(this._invalid(what, err));
    }
  }

  private _invalid(what: string, err: unknown): undefined {
    this._log.error(`invalid-${what}`, `otelprof: ${what} profile dropped: ${err instanceof Error ? err.message : String(err)}`);
    this._metrics.dropped(1, 'invalid');
    return undefined;
  }

  private _pushItem(profiles: Encoded[]): Omit<DeliveryItem, 'settle'> {
    const body = encodePushRequest(profiles);
    return {
      bytes: body.byteLength,
      profiles: profiles.length,
      describe: `Pyroscope push of ${profiles.length} profile(s) (${profiles.map((p) => p.type).join(', ')})`,
      request: { path: PUSH_PATH, headers: { ...this._opts.headers, 'content-type': 'application/proto' }, body },
    };
  }

  private _ingestItem(p: Encoded, period: Period): Omit<DeliveryItem, 'settle'> {
    return {
      bytes: p.raw.byteLength,
      profiles: 1,
      describe: `Pyroscope ingest of the ${p.type} profile`,
      request: { path: ingestPath(p, period), headers: { ...this._opts.headers, 'content-type': 'application/octet-stream' }, body: p.raw },
    };
  }

  private _send(item: Omit<DeliveryItem, 'settle'>): Promise<ExportResult> {
    return new Promise<ExportResult>((settle) => this._delivery.enqueue({ ...item, settle }));
  }
}
