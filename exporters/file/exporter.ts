import type { MeterProvider } from '@opentelemetry/api';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeGzip } from '../../src/pprof';
import { InvalidArgumentError } from '../../src/errors';
import { LogOnce } from '../shared/log-once';
import { knownKeys, positiveInt, str } from '../shared/options';
import { SelfMetrics } from '../shared/self-metrics';
import { withoutTracing } from '../shared/suppress-tracing';
import { EXPORT_SUCCESS, exportFailure, type ExportResult, type ProfileBatch, type ProfileExporter } from '../types';
import { PROFILE_FILE_PATTERN, profileFileName } from './naming';

/** Options of {@link FileExporter}. */
export interface FileExporterOptions {
  /** Directory the profiles go to (created if missing). Required. */
  directory: string;
  /** Most profile files kept in the directory; the oldest are deleted beyond. Default 100. */
  maxFiles?: number;
  /** Most bytes of profile files kept in the directory; the oldest are deleted beyond. Default 100 MiB. */
  maxBytes?: number;
  /** Meter provider for the self-metrics. Default: the global one. */
  meterProvider?: MeterProvider;
}

/**
 * Writes each profile of a period to `<directory>/<service>.<type>.<start-time>.pb.gz`
 * (gzipped pprof, readable by `go tool pprof`), atomically (temporary file + rename). The
 * directory is bounded by file count and bytes: after each write the oldest profile files
 * (every file matching the naming scheme, whatever its service) are deleted.
 *
 * @throws InvalidArgumentError from the constructor for bad options.
 */
export class FileExporter implements ProfileExporter {
  private readonly _dir: string;
  private readonly _maxFiles: number;
  private readonly _maxBytes: number;
  private readonly _log = new LogOnce('otelprof/exporters/file');
  private readonly _metrics: SelfMetrics;
  // Writes run one after another so pruning never races with a write.
  private _chain: Promise<unknown> = Promise.resolve();
  private _shutdown: Promise<void> | undefined;

  /** Validates the options; touches the file system only on the first export. */
  constructor(options: FileExporterOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`options must be an object (actual: ${String(options)})`);
    knownKeys('FileExporter', options, ['directory', 'maxFiles', 'maxBytes', 'meterProvider']);
    this._dir = resolve(str('directory', options.directory, undefined) ?? fail());
    this._maxFiles = positiveInt('maxFiles', options.maxFiles, 100);
    this._maxBytes = positiveInt('maxBytes', options.maxBytes, 100 << 20);
    this._metrics = new SelfMetrics('file', options.meterProvider);
  }

  /** See {@link ProfileExporter.export}. Never rejects. */
  export(batch: ProfileBatch): Promise<ExportResult> {
    const count = Array.isArray(batch?.profiles) ? batch.profiles.length : 0;
    if (this._shutdown) {
      this._metrics.dropped(count, 'shutdown');
      return Promise.resolve(exportFailure('shutdown', new Error('FileExporter is shut down')));
    }
    // A malformed batch must settle as invalid: a rejection here would also reject every later
    // export chained behind it, and forceFlush()/shutdown().
    const run = this._chain.then(() => withoutTracing(() => this._write(batch))).catch((err: unknown) => this._invalid(err, count));
    this._chain = run;
    return run;
  }

  /** Waits for the writes already requested. */
  async forceFlush(): Promise<void> {
    await this._chain;
  }

  /** Waits for pending writes; later exports fail with `shutdown`. Idempotent. */
  shutdown(): Promise<void> {
    this._shutdown ??= this.forceFlush();
    return this._shutdown;
  }

  private async _write(batch: ProfileBatch): Promise<ExportResult> {
    const profiles = Array.isArray(batch?.profiles) ? batch.profiles : [];
    try {
      await mkdir(this._dir, { recursive: true });
    } catch (err) {
      return this._fail(err, profiles.length);
    }
    let failure: ExportResult | undefined;
    const service = batch.seriesLabels?.service_name || 'unknown_service';
    for (const { type, profile } of profiles) {
      const started = performance.now();
      try {
        const bytes = await encodeGzip(profile);
        const name = profileFileName(service, type, batch.startNanos);
        const tmp = join(this._dir, `.${name}.${process.pid}.tmp`);
        await writeFile(tmp, bytes);
        await rename(tmp, join(this._dir, name));
        this._metrics.sent(bytes.byteLength, performance.now() - started);
        this._metrics.exported(1);
      } catch (err) {
        failure ??= this._fail(err, 1);
      }
    }
    try {
      await this._prune();
    } catch (err) {
      // The profiles are written; only the clean-up failed (e.g. a file vanished meanwhile).
      this._log.warn('prune', `otelprof: pruning ${this._dir} failed: ${String(err)}`);
    }
    return failure ?? EXPORT_SUCCESS;
  }

  private _fail(err: unknown, profiles: number): ExportResult {
    const error = err instanceof Error ? err : new Error(String(err));
    this._log.error(`io-${(error as NodeJS.ErrnoException).code ?? 'other'}`, `otelprof: writing profiles to ${this._dir} failed: ${error.message}`);
    this._metrics.dropped(profiles, 'io');
    return exportFailure('io', error);
  }

  private _invalid(err: unknown, profiles: number): ExportResult {
    this._log.error('bad-batch', `otelprof: export failed: ${String(err)}`);
    this._metrics.dropped(profiles, 'invalid');
    return exportFailure('invalid', err instanceof Error ? err : new Error(String(err)));
  }

  /** Deletes the oldest profile files until the count and byte bounds hold. */
  private async _prune(): Promise<void> {
    const names = (await readdir(this._dir)).filter((n) => PROFILE_FILE_PATTERN.test(n));
    const files = await Promise.all(names.map(async (name) => {
      const size = await stat(join(this._dir, name)).then((s) => s.size, () => 0);
      return { name, size, start: PROFILE_FILE_PATTERN.exec(name)?.[1] ?? '' };
    }));
    files.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let bytes = files.reduce((n, f) => n + f.size, 0);
    let count = files.length;
    for (const f of files) {
      if (count <= this._maxFiles && bytes <= this._maxBytes) break;
      await unlink(join(this._dir, f.name)).catch(() => undefined);
      count--;
      bytes -= f.size;
    }
  }
}

function fail(): never {
  throw new InvalidArgumentError('directory must be a non-empty string (actual: undefined)');
}
