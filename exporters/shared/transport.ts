import type { Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { withoutTracing } from './suppress-tracing';

/** TLS settings for `https:` endpoints (PEM strings or buffers, as in `tls.connect`). */
export interface TlsOptions {
  /** Trusted CA certificates, replacing the system store. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate (mutual TLS). */
  cert?: string | Buffer;
  /** Client private key (mutual TLS). */
  key?: string | Buffer;
  /** Verify the server certificate. Default true; false is for tests only. */
  rejectUnauthorized?: boolean;
}

/** One HTTP request. `path` is relative to the endpoint's base path and may carry a query. */
export interface TransportRequest {
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What came back: a response (any status) or a network error / timeout. Never a rejection. */
export type TransportResult =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: string }
  | { kind: 'error'; error: Error; timedOut: boolean };

/** Settings of one transport. */
export interface TransportOptions {
  /** `http:` or `https:` URL; its path is the base path of every request. */
  endpoint: URL;
  /** Whole-request timeout (connect, send, response), milliseconds. */
  timeoutMillis: number;
  /** How long an idle keep-alive connection stays open, milliseconds. */
  keepAliveMillis: number;
  tls?: TlsOptions;
}

/** Bytes of an error response kept for the log message; the rest is discarded unread. */
const MAX_ERROR_BODY_BYTES = 4096;

/**
 * A pooled keep-alive HTTP/1.1 client for one endpoint (undici `Pool`), with a per-request
 * timeout. Bodies are plain `Uint8Array`s (no Blob/FormData: they leak on some Node 24 releases).
 */
export class HttpTransport {
  private readonly _pool: Pool;
  private readonly _basePath: string;
  private readonly _timeoutMillis: number;

  /** Creates the pool; no connection is opened until the first request. */
  constructor(options: TransportOptions) {
    const { endpoint } = options;
    this._basePath = endpoint.pathname.replace(/\/+$/, '');
    this._timeoutMillis = options.timeoutMillis;
    this._pool = new (undici().Pool)(endpoint.origin, {
      connections: 2,
      keepAliveTimeout: options.keepAliveMillis,
      headersTimeout: options.timeoutMillis,
      bodyTimeout: options.timeoutMillis,
      connect: options.tls ? { ...options.tls } : undefined,
    });
  }

  /** Sends one POST and reads the (capped) response body. Never rejects. */
  async post(request: TransportRequest): Promise<TransportResult> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`request timed out after ${this._timeoutMillis} ms`));
    }, this._timeoutMillis);
    timer.unref();
    try {
      const res = await withoutTracing(() => this._pool.request({
        path: this._basePath + request.path,
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(request.body.byteLength) },
        body: request.body,
        signal: controller.signal,
      }));
      const body = await readCapped(res.body, MAX_ERROR_BODY_BYTES);
      return { kind: 'response', status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      return { kind: 'error', error: timedOut ? new Error(`request timed out after ${this._timeoutMillis} ms`) : error, timedOut };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes idle connections and aborts any request still running. */
  async close(): Promise<void> {
    try {
      await this._pool.destroy();
    } catch {
      // Already destroyed: nothing to release.
    }
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy?: () => void }, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < cap) chunks.push(chunk.subarray(0, cap - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * undici, loaded when the first upload transport is made: it is some 110 modules and ~8 MB of
 * RSS that a process profiling only to files or to the pull endpoint never needs.
 */
function undici(): typeof import('undici') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('undici') as typeof import('undici');
}
