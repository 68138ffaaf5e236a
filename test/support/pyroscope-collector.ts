/**
 * A loopback fake of Grafana Pyroscope's ingest side for tests: `POST /push.v1.PusherService/Push`
 * (Connect unary, proto or JSON) and `POST /ingest` (`format=pprof`), with Pyroscope's documented
 * validation, status codes and error bodies (reference: pyroscope-ingest.md, rules in
 * ./pyroscope-collector-rules.ts), plus fault injection (status codes, Retry-After, hangs,
 * connection resets, being down). Requests are decoded with protobufjs loading proto/*.proto at
 * run time and with the independent `pprof-format` decoder; nothing of otelprof is used.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as protobuf from 'protobufjs';
import {
  DEFAULT_LIMITS, RuleError, decodeRawProfile, ingestMetricName, isValidTenant, normalizeSamples, parseAttime, parseIngestName,
  profileTypeIds, splitBySampleLabels, validateLabels, validateProfile, type CollectorLimits, type DecodedProfile, type NormalSample,
} from './pyroscope-collector-rules';

/** Tenancy: A = OSS default (tenant `anonymous`), B = `X-Scope-OrgID` required, C = gateway requiring Basic/Bearer. */
export type Tenancy = 'anonymous' | 'multitenant' | 'gateway';

/** A fault applied to a request instead of processing it (nothing is stored). */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'hang' }
  | { kind: 'reset' };

/** One stored series, as Pyroscope would have stored it. */
export interface RecordedSeries {
  route: 'push' | 'ingest';
  tenant: string;
  /** Final sorted series labels (series labels + promoted sample labels). */
  labels: Record<string, string>;
  /** One per sample type, `<__name__>:<type>:<unit>:<period type>:<period unit>`. */
  profileTypeIds: string[];
  timeNanos: bigint;
  samples: NormalSample[];
  /** The decoded profile's string table (function names etc.). */
  strings: string[];
  /** Push `RawSample.ID`, or '' on /ingest. */
  id: string;
}

/** One request as the collector saw it. */
export interface RecordedRequest {
  route: string;
  status: number;
  message: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
  fault?: Fault['kind'];
  /** When the request arrived (epoch ms, before its body was read). */
  receivedAtMillis: number;
}

/** Collector settings. */
export interface CollectorOptions {
  tenancy?: Tenancy;
  limits?: Partial<CollectorLimits>;
  /** Clock for the ingestion window, epoch ns. */
  now?: () => bigint;
  /** Serve the routes under this prefix (a reverse proxy's sub-path), e.g. `/pyroscope`. */
  pathPrefix?: string;
  /** Serve HTTPS with this PEM key and certificate. */
  tls?: { key: string; cert: string };
}

const PUSH_PATH = '/push.v1.PusherService/Push';
const MAX_BODY = 256 << 20;

let pushRequestType: protobuf.Type | undefined;
function pushRequest(): protobuf.Type {
  pushRequestType ??= protobuf.loadSync(join(__dirname, '..', '..', 'proto', 'pyroscope-push.proto')).lookupType('push.v1.PushRequest');
  return pushRequestType;
}

/** The running fake; create with {@link startPyroscopeCollector}. */
export class PyroscopeCollector extends EventEmitter {
  readonly series: RecordedSeries[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Span/trace id format warnings (Pyroscope keeps such samples unlinked). */
  readonly warnings: string[] = [];
  port = 0;
  private _server: Server | undefined;
  private readonly _sockets = new Set<Socket>();
  private readonly _faults: Fault[] = [];
  private _fault: Fault | undefined;
  private readonly _tenancy: Tenancy;
  private readonly _limits: CollectorLimits;
  private readonly _now: () => bigint;
  private readonly _prefix: string;
  private readonly _tls: { key: string; cert: string } | undefined;
  private readonly _arrivals = new WeakMap<IncomingMessage, number>();

  constructor(opts: CollectorOptions = {}) {
    super();
    this._tls = opts.tls;
    this._prefix = opts.pathPrefix ?? '';
    this._tenancy = opts.tenancy ?? 'anonymous';
    this._limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this._now = opts.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  }

  /** `http://127.0.0.1:<port>` (`https:` with `tls`). */
  get url(): string {
    return `${this._tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Client connections open right now (hung requests keep theirs until the client gives up). */
  get openConnections(): number {
    return this._sockets.size;
  }

  /** Applies `fault` to every request until cleared with `setFault(undefined)`. */
  setFault(fault: Fault | undefined): void {
    this._fault = fault;
  }

  /** Applies each fault to one upcoming request, in order, before any `setFault` fault. */
  failNext(...faults: Fault[]): void {
    this._faults.push(...faults);
  }

  /** Listens on 127.0.0.1 (port 0 the first time, the same port after `stop()`). */
  async start(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this._handle(req, res);
    const server: Server = this._tls ? createHttpsServer(this._tls, handler) : createServer(handler);
    server.on(this._tls ? 'secureConnection' : 'connection', (s: Socket) => {
      this._sockets.add(s);
      s.on('close', () => this._sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this._server = server;
  }

  /** Goes down: stops listening and destroys every connection (hung requests included). */
  async stop(): Promise<void> {
    const server = this._server;
    this._server = undefined;
    if (!server) return;
    for (const s of this._sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `predicate()` holds, re-checked after every request. */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (predicate()) {
          this.off('request', check);
          resolve();
        }
      };
      this.on('request', check);
    });
  }

  /** Samples of accepted series summed per `span_id` (the span-profile query helper). */
  valuesBySpan(sampleTypeIndex = 0): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.series) for (const x of s.samples) {
      const span = x.labels.get('span_id');
      if (span) out.set(span, (out.get(span) ?? 0) + x.values[sampleTypeIndex]);
    }
    return out;
  }

  private async _handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this._arrivals.set(req, Date.now());
    const url = new URL(req.url ?? '/', 'http://x');
    const route = url.pathname.startsWith(this._prefix) ? url.pathname.slice(this._prefix.length) : url.pathname;
    const fault = this._faults.shift() ?? this._fault;
    if (fault) return this._applyFault(fault, route, req, res);
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      return this._reply(req, res, route, 0, err instanceof RuleError ? err : new RuleError(408, 'unknown', `error reading request body: ${String(err)}`));
    }
    try {
      if (req.method !== 'POST') throw new RuleError(405, 'unknown', 'method not allowed');
      if (route === PUSH_PATH) this._push(req, body);
      else if (route === '/ingest' || route === '/pyroscope/ingest') this._ingest(req, url, body);
      else throw new RuleError(404, 'not_found', '404 page not found');
      if (!url.pathname.startsWith(this._prefix)) throw new RuleError(404, 'not_found', '404 page not found');
      this._reply(req, res, route, body.length);
    } catch (err) {
      const e = err instanceof RuleError ? err : new RuleError(500, 'unknown', String(err));
      this._reply(req, res, route, body.length, e);
    }
  }

  private _applyFault(fault: Fault, route: string, req: IncomingMessage, res: ServerResponse): void {
    const record = (status: number): void => {
      this.requests.push({ route, status, message: fault.kind, headers: req.headers, bodyBytes: 0, fault: fault.kind, receivedAtMillis: this._arrival(req) });
      this.emit('request');
    };
    if (fault.kind === 'reset') {
      req.socket.destroy();
      record(0);
    } else if (fault.kind === 'hang') {
      req.resume(); // read the body, never answer; stop() destroys the socket
      record(0);
    } else {
      req.resume();
      req.on('end', () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        res.writeHead(fault.status, headers).end(JSON.stringify({ code: 'unknown', message: fault.message ?? `injected ${fault.status}` }));
        record(fault.status);
      });
    }
  }

  private _reply(req: IncomingMessage, res: ServerResponse, route: string, bytes: number, err?: RuleError): void {
    if (err) {
      res.writeHead(err.status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
      res.end(JSON.stringify({ code: err.code, message: err.message }));
    } else if (route === PUSH_PATH && (req.headers['content-type'] ?? '').startsWith('application/json')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      res.writeHead(200, route === PUSH_PATH ? { 'content-type': 'application/proto' } : {}).end();
    }
    this.requests.push({ route, status: err?.status ?? 200, message: err?.message ?? '', headers: req.headers, bodyBytes: bytes, receivedAtMillis: this._arrival(req) });
    this.emit('request');
  }

  private _arrival(req: IncomingMessage): number {
    return this._arrivals.get(req) ?? Date.now();
  }

  /** Tenancy modes A/B/C (§1). `late` = /ingest, where an invalid id is only found later (422). */
  private _tenant(req: IncomingMessage, route: 'push' | 'ingest'): string {
    if (this._tenancy === 'gateway') {
      if (!/^(Basic|Bearer) \S+/.test(req.headers.authorization ?? '')) throw new RuleError(401, 'unauthenticated', 'unauthorized');
      return 'anonymous';
    }
    if (this._tenancy === 'anonymous') return 'anonymous';
    const t = req.headers['x-scope-orgid'];
    if (typeof t !== 'string' || t === '') throw new RuleError(401, 'unauthenticated', 'no org id');
    if (!isValidTenant(t)) throw new RuleError(route === 'push' ? 401 : 422, route === 'push' ? 'unauthenticated' : 'unknown', `tenant ID is invalid: ${t}`);
    return t;
  }

  private _push(req: IncomingMessage, raw: Buffer): void {
    const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (ct !== 'application/proto' && ct !== 'application/json') throw new RuleError(415, 'unknown', `invalid content-type: "${ct}"`);
    let body = raw;
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(raw);
    const msg = decodePush(body, ct);
    const tenant = this._tenant(req, 'push');
    const decoded: Array<{ labels: Array<[string, string]>; d: DecodedProfile; id: string }> = [];
    for (const s of msg.series) for (const sample of s.samples) {
      decoded.push({ labels: s.labels, d: decodeRawProfile(sample.rawProfile, this._limits), id: sample.ID });
    }
    if (decoded.length === 0) throw new RuleError(400, 'invalid_argument', 'no profiles received');
    let first: RuleError | undefined;
    for (const x of decoded) {
      try {
        this._pushSeries('push', tenant, x.labels, x.d, x.id);
      } catch (err) {
        // Partial success: series already stored stay stored; the first error is returned.
        first ??= err instanceof RuleError ? err : new RuleError(500, 'unknown', String(err));
      }
    }
    if (first) throw first;
  }

  private _ingest(req: IncomingMessage, url: URL, body: Buffer): void {
    const tenantOrError = (() => {
      try {
        return this._tenant(req, 'ingest');
      } catch (e) {
        if ((e as RuleError).status === 401) throw e;
        return e as RuleError;
      }
    })();
    const { app, labels } = parseIngestName(url.searchParams.get('name') ?? '');
    const format = url.searchParams.get('format');
    if (format !== 'pprof') throw new RuleError(422, 'unknown', `test collector: only format=pprof is implemented (got ${JSON.stringify(format)})`);
    let d: DecodedProfile;
    try {
      d = decodeRawProfile(body, { ...this._limits });
    } catch (err) {
      throw new RuleError(422, 'unknown', `parsing IngestInput-pprof failed ${(err as Error).message}`);
    }
    if (tenantOrError instanceof RuleError) throw tenantOrError;
    const t = BigInt(d.profile.timeNanos);
    if (t === 0n || t < 31_536_000_000_000_000n) d.profile.timeNanos = parseAttime(url.searchParams.get('from')) ?? this._now();
    const strings = d.profile.stringTable.strings;
    const ls: Array<[string, string]> = [
      ['__name__', ingestMetricName(d.profile.sampleType.map((st) => strings[Number(st.type)]))],
      ['__delta__', 'false'],
      ['pyroscope_spy', url.searchParams.get('spyName') || 'unknown'],
    ];
    if (!labels.has('service_name')) ls.push(['service_name', app]);
    for (const [k, v] of labels) if (!k.startsWith('__') || k === '__session_id__') ls.push([k, v]);
    try {
      this._pushSeries('ingest', tenantOrError, ls, d, '');
    } catch (err) {
      const e = err as RuleError;
      if (e.status === 429) throw e;
      throw new RuleError(422, 'unknown', `pushing IngestInput-pprof failed push series with index 0 and id  failed: ${e.message}`);
    }
  }

  /** `pushSeries` (§3.2 step 5): defaults, rate burst, ValidateProfile, Normalize, split, ValidateLabels, store. */
  private _pushSeries(route: 'push' | 'ingest', tenant: string, input: Array<[string, string]>, d: DecodedProfile, id: string): void {
    const labels = new Map(input);
    if (!labels.has('service_name')) labels.set('service_name', 'unknown_service');
    const size = [...labels].reduce((n, [k, v]) => n + k.length + v.length, 0) + d.size;
    if (size > this._limits.ingestionBurstBytes) {
      throw new RuleError(429, 'resource_exhausted', `push rate limit (4.0 MiB) exceeded while adding ${(size / 1048576).toFixed(1)} MiB`);
    }
    validateProfile(d, [...labels], this._now(), this._limits);
    const samples = normalizeSamples(d.profile);
    if (samples.length === 0) return; // nothing left: success, nothing stored
    for (const s of samples) this._checkSpanLabels(s);
    const name = labels.get('__name__') ?? '';
    const ids = profileTypeIds(name, d.profile);
    const t = BigInt(d.profile.timeNanos);
    const staged: RecordedSeries[] = [];
    for (const g of splitBySampleLabels(samples).values()) {
      const merged = new Map(g.promoted);
      for (const [k, v] of labels) merged.set(k, v); // a series label of the same name wins
      const final = validateLabels([...merged], this._limits);
      staged.push({ route, tenant, labels: Object.fromEntries(final), profileTypeIds: ids, timeNanos: t > 0n ? t : this._now(), samples: g.samples, strings: d.profile.stringTable.strings, id });
    }
    this.series.push(...staged);
  }

  private _checkSpanLabels(s: NormalSample): void {
    const span = s.labels.get('span_id');
    if (span !== undefined && !/^[0-9a-fA-F]{16}$/.test(span)) this.warnings.push(`span_id ${JSON.stringify(span)} is not 16 hex characters`);
    const trace = s.labels.get('trace_id');
    if (trace !== undefined && !/^[0-9a-fA-F]{32}$/.test(trace)) this.warnings.push(`trace_id ${JSON.stringify(trace)} is not 32 hex characters`);
  }
}

interface PushMessage {
  series: Array<{ labels: Array<[string, string]>; samples: Array<{ rawProfile: Uint8Array; ID: string }> }>;
}

function decodePush(body: Buffer, ct: string): PushMessage {
  try {
    const obj = ct === 'application/json'
      ? JSON.parse(body.toString('utf8')) as { series?: Array<{ labels?: Array<{ name: string; value: string }>; samples?: Array<{ rawProfile?: string; raw_profile?: string; ID?: string }> }> }
      : pushRequest().toObject(pushRequest().decode(body), { defaults: true, bytes: Array }) as { series?: Array<{ labels?: Array<{ name: string; value: string }>; samples?: Array<{ rawProfile?: number[]; ID?: string }> }> };
    return {
      series: (obj.series ?? []).map((s) => ({
        labels: (s.labels ?? []).map((l) => [l.name ?? '', l.value ?? ''] as [string, string]),
        samples: (s.samples ?? []).map((x) => {
          const rp = (x as { rawProfile?: string | number[] }).rawProfile ?? (x as { raw_profile?: string }).raw_profile ?? '';
          return { rawProfile: typeof rp === 'string' ? Buffer.from(rp, 'base64') : Uint8Array.from(rp), ID: x.ID ?? '' };
        }),
      })),
    };
  } catch (err) {
    throw new RuleError(400, 'invalid_argument', `unmarshal message: ${(err as Error).message}`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new RuleError(413, 'invalid_argument', `request body too large: error reading request body bytes_read ${size}: http: request body too large`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts a collector on an ephemeral loopback port. Close it with `stop()`. */
export async function startPyroscopeCollector(opts: CollectorOptions = {}): Promise<PyroscopeCollector> {
  const c = new PyroscopeCollector(opts);
  await c.start();
  return c;
}
