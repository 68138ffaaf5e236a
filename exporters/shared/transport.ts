import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { types } from 'node:util';
import { requestHead, ResponseReader, type Http1Response } from './http1';
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
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
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

/** Bytes of a response body kept (for the log message); the rest is read and discarded. */
const MAX_ERROR_BODY_BYTES = 4096;

/** A reused connection that failed before any response byte (see HttpTransport._send). */
const STALE: TransportResult = Object.freeze({ kind: 'error', error: new Error('stale keep-alive connection'), timedOut: false });

/** What a request gets after close(). */
function closedResult(): TransportResult {
  return { kind: 'error', error: new Error('transport closed'), timedOut: false };
}

function ignoreError(): void {
  // See HttpTransport._connect.
}

interface Job {
  request: TransportRequest;
  resolve: (r: TransportResult) => void;
}

/**
 * A keep-alive HTTP/1.1 client for one endpoint: one connection (`node:net`, or `node:tls` for
 * `https:`), requests one after another (the exporters' delivery sends one at a time), a
 * whole-request timeout, idle connections closed after `keepAliveMillis` and never holding the
 * process open. Bodies are plain `Uint8Array`s (no Blob/FormData: they leak on some Node 24 releases).
 *
 * Why not `node:http`'s client: it shares its code with the host's HTTP server, and its first
 * request made V8 re-optimize 60-100 of the app's own server functions, which under load held
 * the event loop 5-10 ms in the first collection window (bench/RESULTS.md, tenth pass); the wire
 * format is in ./http1. Why not undici (DESIGN's first choice): loading it costs 8.5 MB of RSS on
 * Node 20 and 16 MB on Node 24 (bench/RESULTS.md, "RSS"), more than the core sampler's budget.
 */
export class HttpTransport {
  private readonly _endpoint: URL;
  private readonly _basePath: string;
  private readonly _host: string;
  private readonly _port: number;
  private readonly _timeoutMillis: number;
  private readonly _keepAliveMillis: number;
  private readonly _tls: TlsOptions | undefined;
  private readonly _jobs: Job[] = [];
  private _busy = false;
  private _closed = false;
  /** The kept-alive connection between requests. */
  private _idle: Socket | undefined;
  private _idleTimer: NodeJS.Timeout | undefined;
  /** The connection of the request in flight (close() destroys it). */
  private _active: Socket | undefined;
  /** Forgets the idle connection when the server closes it. */
  private readonly _onIdleGone = (): void => this._dropIdle();

  /** No connection is opened until the first request. */
  constructor(options: TransportOptions) {
    const { endpoint } = options;
    this._endpoint = endpoint;
    this._basePath = endpoint.pathname.replace(/\/+$/, '');
    this._host = endpoint.hostname.replace(/^\[(.*)\]$/, '$1');
    this._port = Number(endpoint.port) || (endpoint.protocol === 'https:' ? 443 : 80);
    this._timeoutMillis = options.timeoutMillis;
    this._keepAliveMillis = options.keepAliveMillis;
    this._tls = endpoint.protocol === 'https:' ? options.tls ?? {} : undefined;
  }

  /** Sends one POST and reads the (capped) response body. Never rejects. */
  post(request: TransportRequest): Promise<TransportResult> {
    return new Promise<TransportResult>((resolve) => {
      if (this._closed) {
        resolve(closedResult());
        return;
      }
      this._jobs.push({ request, resolve });
      this._next();
    });
  }

  /** Closes the idle connection and fails the request in flight and those waiting. */
  async close(): Promise<void> {
    this._closed = true;
    this._dropIdle();
    this._active?.destroy(new Error('transport closed'));
    for (const job of this._jobs.splice(0)) job.resolve(closedResult());
  }

  private _next(): void {
    if (this._busy) return;
    const job = this._jobs.shift();
    if (!job) return;
    this._busy = true;
    this._send(job.request).then((r) => {
      this._busy = false;
      job.resolve(r);
      this._next();
    });
  }

  /** One request on the idle connection or a new one. Never rejects. */
  private _send(request: TransportRequest): Promise<TransportResult> {
    let head: string;
    try {
      // An endpoint without a path (`http://host:4318`) posts to "/", as a browser or curl would.
      head = requestHead(this._basePath + request.path || '/', this._endpoint.host, request.headers, request.body.byteLength);
    } catch (err) {
      return Promise.resolve({ kind: 'error', error: err as Error, timedOut: false });
    }
    const idle = this._takeIdle();
    if (idle === undefined) return this._exchangeOnNew(head, request.body);
    return this._exchange(idle, head, request.body, true).then((r) =>
      // A kept-alive connection the server closed just before (its close not seen yet) fails
      // before any byte of a response: the server never took the request, so it goes once more
      // on a new connection. Any other failure is the caller's to retry.
      r === STALE ? this._exchangeOnNew(head, request.body) : r);
  }

  private _exchangeOnNew(head: string, body: Uint8Array): Promise<TransportResult> {
    // close() may have come between a stale connection's failure and this retry.
    if (this._closed) return Promise.resolve(closedResult());
    let socket: Socket;
    try {
      socket = this._connect();
    } catch (err) {
      // tls.connect throws on unusable TLS options (a CA or key that is not PEM, ...).
      return Promise.resolve({ kind: 'error', error: err as Error, timedOut: false });
    }
    return this._exchange(socket, head, body, false);
  }

  /**
   * Writes one request on `socket` and reads its response. Resolves STALE instead of an error
   * when a `reused` connection failed before any response byte.
   */
  private _exchange(socket: Socket, head: string, body: Uint8Array, reused: boolean): Promise<TransportResult> {
    this._active = socket;
    socket.ref();
    return new Promise<TransportResult>((resolve) => {
      const reader = new ResponseReader(MAX_ERROR_BODY_BYTES);
      let settled = false;
      let timedOut = false;
      const finish = (r: TransportResult, response?: Http1Response): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', onError);
        socket.off('close', onEnd);
        this._active = undefined;
        if (response?.reusable && !this._closed && !socket.destroyed) this._keepIdle(socket);
        else socket.destroy();
        resolve(r);
      };
      const respond = (res: Http1Response): void => finish({ kind: 'response', status: res.status, headers: res.headers, body: res.body }, res);
      const fail = (err: unknown): void => {
        if (reused && !timedOut && !reader.started && !this._closed) {
          finish(STALE);
          return;
        }
        // isNativeError: errors of Node's own realm (the socket's) fail `instanceof Error` inside a vm context.
        const error = timedOut ? new Error(`request timed out after ${this._timeoutMillis} ms`) : err instanceof Error || types.isNativeError(err) ? err as Error : new Error(String(err));
        finish({ kind: 'error', error, timedOut });
      };
      const onData = (chunk: Buffer): void => {
        try {
          const res = reader.feed(chunk);
          if (res) respond(res);
        } catch (err) {
          fail(err);
        }
      };
      const onEnd = (): void => {
        try {
          respond(reader.end());
        } catch (err) {
          fail(err);
        }
      };
      const onError = (err: Error): void => fail(err);
      const timer = setTimeout(() => {
        timedOut = true;
        socket.destroy();
        fail(undefined);
      }, this._timeoutMillis);
      timer.unref();
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', onError);
      socket.on('close', onEnd);
      // Written before the connection is up is fine: the socket sends it once connected.
      socket.write(head, 'latin1');
      socket.write(body);
    });
  }

  private _connect(): Socket {
    const socket = withoutTracing(() => {
      if (this._tls === undefined) return netConnect({ host: this._host, port: this._port, noDelay: true });
      // Loaded only for https endpoints: node:tls brings TLS and crypto, about 2 MB of RSS on Node 24.
      const tls = require('node:tls') as typeof import('node:tls');
      const options: ConnectionOptions = { host: this._host, port: this._port, ALPNProtocols: ['http/1.1'], ...this._tls };
      // SNI takes host names only.
      if (isIP(this._host) === 0) options.servername = this._host;
      return tls.connect(options);
    });
    // Errors reach the request in flight (its own listener); this one keeps an error while the
    // connection is idle, or a late one, from becoming an uncaught exception in the host app.
    socket.on('error', ignoreError);
    return socket;
  }

  /** The idle connection if it can still carry a request; one that cannot is closed. */
  private _takeIdle(): Socket | undefined {
    const s = this._idle;
    this._dropIdle(false);
    if (s === undefined || (!s.destroyed && s.readyState === 'open')) return s;
    s.destroy();
    return undefined;
  }

  /** Keeps the connection for the next request; it closes after keepAliveMillis idle and never holds the process open. */
  private _keepIdle(socket: Socket): void {
    socket.unref();
    socket.once('end', this._onIdleGone);
    socket.once('close', this._onIdleGone);
    this._idle = socket;
    this._idleTimer = setTimeout(this._onIdleGone, this._keepAliveMillis);
    this._idleTimer.unref();
  }

  /** Forgets the idle connection; destroys it unless it is being taken for a request. */
  private _dropIdle(destroy = true): void {
    const s = this._idle;
    clearTimeout(this._idleTimer);
    this._idleTimer = undefined;
    this._idle = undefined;
    if (s === undefined) return;
    s.off('end', this._onIdleGone);
    s.off('close', this._onIdleGone);
    if (destroy) s.destroy();
  }
}
