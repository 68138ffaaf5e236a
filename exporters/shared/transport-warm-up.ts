/**
 * Why HTTP exporters send a few requests to a loopback server of their own right after start:
 * the upload's client socket is a `net.Socket` with other hidden classes than the app's server
 * sockets, and the first upload of a process used to reach Node's stream functions
 * (`Readable.push`, `writeOrBuffer`, `Socket._writeGeneric`, ...) after V8 had optimized them
 * for the server's sockets alone. V8 threw that code away and compiled it again about half a second
 * later (20-40 more compiles than a process without uploads), the app's requests running slower
 * meanwhile, in the first collection window (bench/RESULTS.md, eleventh and seventeenth passes).
 * Run while V8 is still collecting type feedback for those functions, the same transport's
 * requests put the client's shapes into it, so the code V8 optimizes for the app's server also
 * fits the upload's socket. Only a process that runs a server has that code to protect; in one
 * without (a batch job, a worker) the warm-up only cost RSS (+1.5 MB on Node 24, measured), so it
 * runs where the app listens.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { startOncePerProcess } from '../../src/once-per-process';
import { HttpTransport, type TransportOptions } from './transport';

const KEY = Symbol.for('otelprof.exporters.transportWarmedUp');

/**
 * Requests sent. V8 allocates a function's feedback after its first 8 calls (Node 24), and each
 * request calls the stream functions a few times on the client and the server side.
 */
export const WARM_UP_REQUESTS = 16;

/** A warm-up request that takes longer than this gives up (loopback answers in well under 1 ms). */
const REQUEST_TIMEOUT_MILLIS = 1000;

/** The response: a small JSON body, as Pyroscope and OTLP/HTTP collectors answer. */
const RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}';

/**
 * An exporter's transport: for a plain `http:` endpoint it also starts the warm-up. (An `https:`
 * upload goes through `tls.TLSSocket`, whose shapes this loopback warm-up would not show V8.)
 */
export function exporterTransport(options: TransportOptions): HttpTransport {
  if (options.endpoint.protocol === 'http:') warmUpTransport();
  return new HttpTransport(options);
}

/** Handle types of a listening server in `process.getActiveResourcesInfo()`. */
const SERVER_HANDLES = new Set(['TCPServerWrap', 'PipeServerWrap']);

/**
 * An app that has no server at the first look (it listens after some async start-up) is looked
 * at once more this much later: still early enough, as V8 needs thousands of calls of a
 * function before it optimizes it for good.
 */
const SECOND_LOOK_MILLIS = 1000;

let outcome: Promise<number> | undefined;

/**
 * Starts the warm-up in a later event-loop turn, once per process (later calls do nothing), if
 * the app listens then or a second later. Never throws; a failure (no loopback, listening not
 * allowed) only means it did not run.
 */
export function warmUpTransport(): void {
  startOncePerProcess(KEY, (run) => setTimeout(run, 0), () => (outcome = warmUpIfServing()));
}

/**
 * This module's warm-up once its turn came (for tests and diagnostics): resolves to the requests
 * answered, 0 when it did not run.
 */
export function transportWarmUpOutcome(): Promise<number> | undefined {
  return outcome;
}

function appListens(): boolean {
  return process.getActiveResourcesInfo().some((name) => SERVER_HANDLES.has(name));
}

async function warmUpIfServing(): Promise<number> {
  if (!appListens()) {
    // Unref'd: the second look never keeps the host process running.
    await new Promise<void>((resolve) => setTimeout(resolve, SECOND_LOOK_MILLIS).unref());
    if (!appListens()) return 0;
  }
  return runTransportWarmUp();
}

/**
 * The warm-up itself (exported for tests): `requests` POSTs through an `HttpTransport` on one
 * kept-alive connection to a server on 127.0.0.1 that takes that one connection only. Resolves
 * to the number of 200 responses; never rejects.
 */
export async function runTransportWarmUp(requests = WARM_UP_REQUESTS, host = '127.0.0.1'): Promise<number> {
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    answerRequests(socket);
  });
  // The transport's single connection; anyone else who connects meanwhile is turned away.
  server.maxConnections = 1;
  let ok = 0;
  try {
    const port = await listen(server, host);
    const transport = new HttpTransport({ endpoint: new URL(`http://${host}:${port}`), timeoutMillis: REQUEST_TIMEOUT_MILLIS, keepAliveMillis: REQUEST_TIMEOUT_MILLIS });
    const body = new Uint8Array(64);
    try {
      for (let i = 0; i < requests; i++) {
        const r = await transport.post({ path: '/', headers: { 'content-type': 'application/octet-stream' }, body });
        if (r.kind !== 'response' || r.status !== 200) break;
        ok++;
      }
    } finally {
      await transport.close();
    }
  } catch {
    // Listening failed: nothing was warmed.
  } finally {
    server.close();
    for (const socket of connections) socket.destroy();
  }
  return ok;
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      // A later error (a failed accept: EMFILE) must not become an uncaught 'error' in the host.
      server.on('error', () => undefined);
      // Never what keeps the host process running.
      server.unref();
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Answers each request on the connection (head, then `content-length` bytes of body) with RESPONSE. */
function answerRequests(socket: Socket): void {
  socket.on('error', () => undefined);
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    for (;;) {
      const headEnd = pending.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.slice(0, headEnd))?.[1] ?? 0);
      const end = headEnd + 4 + length;
      if (pending.length < end) return;
      pending = pending.slice(end);
      socket.write(RESPONSE, 'latin1');
    }
  });
}
