import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { withoutTracing } from './suppress-tracing';
import { warmUpHttpClient } from './warm-up-client';

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
 * A keep-alive HTTP/1.1 client for one endpoint (`node:http`/`node:https` with its own agent, at
 * most two connections), with a whole-request timeout. Bodies are plain `Uint8Array`s (no
 * Blob/FormData: they leak on some Node 24 releases).
 *
 * Why not undici (DESIGN's first choice): loading it costs 8.5 MB of RSS on Node 20 and 16 MB on
 * Node 24 (110 modules; measured in bench/RESULTS.md, "RSS"), more than the whole core sampler's
 * budget, while `node:http` is already loaded in every server. Nothing here needs what undici
 * adds over it.
 */
export class HttpTransport {
  private readonly _agent: HttpAgent;
  private readonly _send: typeof httpRequest;
  private readonly _endpoint: URL;
  private readonly _basePath: string;
  private readonly _timeoutMillis: number;

  /** Creates the agent; no connection is opened until the first request. */
  constructor(options: TransportOptions) {
    const { endpoint } = options;
    this._endpoint = endpoint;
    this._basePath = endpoint.pathname.replace(/\/+$/, '');
    this._timeoutMillis = options.timeoutMillis;
    // Idle connections close after keepAliveMillis (the agent's socket timeout applies to free
    // sockets) and never hold the process open (the agent unrefs them).
    const agentOptions = { keepAlive: true, maxSockets: 2, maxFreeSockets: 2, timeout: options.keepAliveMillis };
    if (endpoint.protocol === 'https:') {
      // Loaded only for https endpoints: node:https brings TLS and crypto, about 2 MB of RSS on Node 24.
      const https = require('node:https') as typeof import('node:https');
      this._agent = new https.Agent({ ...agentOptions, ...options.tls });
      this._send = https.request;
    } else {
      this._agent = new HttpAgent(agentOptions);
      this._send = httpRequest;
    }
    // The first request would compile Node's client code inside the first collection's upload.
    warmUpHttpClient();
  }

  /** Sends one POST and reads the (capped) response body. Never rejects. */
  post(request: TransportRequest): Promise<TransportResult> {
    return new Promise<TransportResult>((resolve) => {
      let settled = false;
      let timedOut = false;
      const done = (r: TransportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const fail = (err: unknown): void => {
        const error = timedOut ? new Error(`request timed out after ${this._timeoutMillis} ms`) : err instanceof Error ? err : new Error(String(err));
        done({ kind: 'error', error, timedOut });
      };
      const req = withoutTracing(() => this._send({
        protocol: this._endpoint.protocol,
        hostname: this._endpoint.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this._endpoint.port || undefined,
        path: this._basePath + request.path,
        method: 'POST',
        agent: this._agent,
        headers: { ...request.headers, 'content-length': String(request.body.byteLength) },
      }));
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error(`request timed out after ${this._timeoutMillis} ms`));
      }, this._timeoutMillis);
      timer.unref();
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        readCapped(res, MAX_ERROR_BODY_BYTES).then(
          (body) => done({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, body }),
          fail,
        );
      });
      req.end(request.body);
    });
  }

  /** Closes idle connections and aborts any request still running. */
  async close(): Promise<void> {
    this._agent.destroy();
  }
}

function readCapped(res: IncomingMessage, cap: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < cap) chunks.push(chunk.subarray(0, cap - size));
      size += chunk.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    // A connection reset after the headers ends the body without 'end'.
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}
