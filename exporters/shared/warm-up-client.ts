import { Agent, request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { startOncePerProcess } from '../../src/once-per-process';
import { withoutTracing } from './suppress-tracing';

/**
 * The first HTTP request of a process compiles Node's client code (ClientRequest, header
 * handling, the agent, the response parser): through HttpTransport, 3.1-3.2 ms in the one
 * event-loop turn that sends it, against 0.2-0.3 ms for later requests (bench/first-upload.js).
 * For an exporter that turn falls in the first collection. The warm-up pays most of it at start
 * instead (that turn then takes 1.3 ms: the real socket's first connect remains): one POST over an in-memory socket that answers
 * `204 No Content` itself, so nothing touches the network and no server sees it. Tracing is
 * suppressed for it as for real uploads; other http instrumentations see one request to
 * `127.0.0.1/otelprof-warm-up`.
 */
/** Set on globalThis once the warm-up was started (benchmarks set it to leave the warm-up out). */
export const HTTP_CLIENT_WARM_UP_KEY = Symbol.for('otelprof.exporters.httpClientWarmedUp');

/** Starts the warm-up in a later event-loop turn (once per process). Never throws. */
export function warmUpHttpClient(): void {
  startOncePerProcess(HTTP_CLIENT_WARM_UP_KEY, setImmediate, runHttpClientWarmUp);
}

/** The warm-up itself (exported for tests): resolves with the status the fake server answered. */
export function runHttpClientWarmUp(): Promise<number> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const socket = new Duplex({
      read() {
        // Data is pushed once the request has been written.
      },
      write(_chunk, _encoding, callback) {
        callback();
        if (answered) return;
        answered = true;
        // Answer in a later turn, as a network peer would.
        setImmediate(() => socket.push('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'));
      },
    });
    const req = withoutTracing(() => httpRequest({
      host: '127.0.0.1',
      method: 'POST',
      path: '/otelprof-warm-up',
      headers: { 'content-type': 'application/octet-stream', 'content-length': '1' },
      // An agent of its own whose only connection is the in-memory socket: the agent's code
      // (queueing, socket setup) is warmed too. The request only reads and writes the socket.
      agent: Object.assign(new Agent(), { createConnection: () => socket as unknown as Socket }),
    }));
    req.on('error', (err) => {
      socket.destroy();
      reject(err);
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
    });
    req.end(Buffer.alloc(1));
  });
}
