/**
 * A loopback OTLP Profiles receiver for tests. It speaks the real wire protocol
 * (`POST /v1development/profiles`, `application/x-protobuf`, optional gzip) and decodes bodies
 * with protobufjs loading `proto/otlp-profiles-service.proto` at run time — never with otelprof's
 * own transform or generated code. It enforces the rules Pyroscope's OTLP handler and the OTLP
 * data model apply (415 for other content types, dictionary and resource profiles required, table
 * zero values, index bounds, one value per sample when a period is set) and records what it got.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

const PROTO = path.join(__dirname, '..', '..', 'proto', 'otlp-profiles-service.proto');
const REQUEST_TYPE = 'opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest';
const RESPONSE_TYPE = 'opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceResponse';
const CONTENT_TYPES = ['application/x-protobuf', 'application/protobuf'];

/** A decoded request: protobufjs `toObject` with 64-bit integers as decimal strings and bytes as Buffers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DecodedRequest = Record<string, any>;

/** One request the collector accepted. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** Body as sent (gzipped or not). */
  rawBytes: number;
  request: DecodedRequest;
}

/** A response to force for the next request(s): status and body. */
export interface ForcedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** The running collector. */
export interface OtlpCollector {
  /** `http://127.0.0.1:<port>` (no path). */
  readonly origin: string;
  /** `origin` + `/v1development/profiles`. */
  readonly url: string;
  /** Requests accepted so far (2xx). */
  readonly received: ReceivedRequest[];
  /** Every request seen, with the status it got. */
  readonly attempts: Array<{ status: number; error?: string }>;
  /** Responses to use, in order, before falling back to normal handling. */
  readonly forced: ForcedResponse[];
  /** Resolves once `n` requests (any status) arrived. */
  waitForAttempts(n: number): Promise<void>;
  close(): Promise<void>;
}

let rootPromise: Promise<protobuf.Root> | undefined;
/** The schema, loaded once per test file from `proto/`. */
export function loadOtlpSchema(): Promise<protobuf.Root> {
  rootPromise ??= protobuf.load(PROTO);
  return rootPromise;
}

/** Decodes an `ExportProfilesServiceRequest` with the run-time schema. */
export async function decodeOtlpRequest(bytes: Uint8Array): Promise<DecodedRequest> {
  const root = await loadOtlpSchema();
  const type = root.lookupType(REQUEST_TYPE);
  return type.toObject(type.decode(bytes), { longs: String, bytes: Buffer, defaults: true, arrays: true, oneofs: true });
}

/** Starts a collector on 127.0.0.1, port 0. */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const root = await loadOtlpSchema();
  const responseBytes = root.lookupType(RESPONSE_TYPE).encode({}).finish();
  const received: ReceivedRequest[] = [];
  const attempts: Array<{ status: number; error?: string }> = [];
  const forced: ForcedResponse[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const record = (status: number, error?: string): void => {
    attempts.push({ status, error });
    for (const w of waiters.filter((x) => attempts.length >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const reply = (status: number, body: string | Uint8Array, type = 'text/plain'): void => {
          record(status, typeof body === 'string' ? body : undefined);
          res.writeHead(status, { 'content-type': type }).end(body);
        };
        const f = forced.shift();
        if (f) {
          record(f.status, f.body);
          res.writeHead(f.status, { 'content-type': 'text/plain', ...f.headers }).end(f.body ?? '');
          return;
        }
        if (req.method !== 'POST') return reply(405, 'method not allowed');
        if (req.url !== '/v1development/profiles') return reply(404, `no route ${req.url}`);
        const ct = req.headers['content-type'] ?? '';
        if (!CONTENT_TYPES.includes(ct)) return reply(415, `Unsupported Content-Type: ${ct}`);
        let body = Buffer.concat(chunks);
        try {
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          const request = await decodeOtlpRequest(body);
          const problem = validate(request);
          if (problem) return reply(400, problem);
          received.push({ headers: req.headers, rawBytes: Buffer.concat(chunks).length, request });
          reply(200, responseBytes, 'application/x-protobuf');
        } catch (err) {
          reply(500, String(err));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/v1development/profiles`,
    received,
    attempts,
    forced,
    waitForAttempts: (n) => (attempts.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The checks a strict receiver applies; returns the first problem or undefined. */
export function validate(r: DecodedRequest): string | undefined {
  const d = r.dictionary;
  if (!d) return 'missing profile metadata dictionary';
  if (r.resourceProfiles.length === 0) return 'missing resource profiles';
  if (d.stringTable[0] !== '') return 'string_table[0] must be ""';
  const link0 = d.linkTable[0];
  if (!link0 || link0.traceId.length !== 16 || link0.spanId.length !== 8 || link0.traceId.some((b: number) => b !== 0) || link0.spanId.some((b: number) => b !== 0)) {
    return 'link_table[0] must be the zero link (16 + 8 zero bytes)';
  }
  for (const [name, zeroCheck] of [
    ['mapping_table', (m: DecodedRequest) => m.filenameStrindex === 0 && m.memoryStart === '0'],
    ['location_table', (l: DecodedRequest) => l.lines.length === 0 && l.mappingIndex === 0],
    ['function_table', (f: DecodedRequest) => f.nameStrindex === 0],
    ['stack_table', (s: DecodedRequest) => s.locationIndices.length === 0],
    ['attribute_table', (a: DecodedRequest) => a.keyStrindex === 0],
  ] as const) {
    const table = d[camel(name)];
    if (table.length === 0 || !zeroCheck(table[0])) return `${name}[0] must be the zero value`;
  }
  const inRange = (i: number, table: unknown[]): boolean => Number.isInteger(i) && i >= 0 && i < table.length;
  for (const loc of d.locationTable) {
    if (!inRange(loc.mappingIndex, d.mappingTable)) return `mapping index ${loc.mappingIndex} out of bounds`;
    for (const line of loc.lines) if (!inRange(line.functionIndex, d.functionTable)) return `function index ${line.functionIndex} out of bounds`;
  }
  for (const s of d.stackTable) for (const i of s.locationIndices) if (!inRange(i, d.locationTable)) return `location index ${i} out of bounds`;
  for (const rp of r.resourceProfiles) {
    for (const sp of rp.scopeProfiles) {
      for (const p of sp.profiles) {
        if (!p.sampleType) return 'failed to convert otel profile: sample type is missing';
        for (const s of p.samples) {
          if (!inRange(s.stackIndex, d.stackTable)) return `invalid stack index ${s.stackIndex}`;
          if (!inRange(s.linkIndex, d.linkTable)) return `link index ${s.linkIndex} out of bounds`;
          for (const a of s.attributeIndices) if (!inRange(a, d.attributeTable)) return `attribute index ${a} out of bounds`;
          if (s.values.length === 0 && s.timestampsUnixNano.length === 0) return 'sample value is required';
          if (p.period !== '0' && p.periodType && s.values.length !== 1) return 'sample values length mismatch';
        }
      }
    }
  }
  return undefined;
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
