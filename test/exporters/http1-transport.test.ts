/**
 * The exporters' HTTP/1.1 transport (a plain net socket, not node:http's client) against real
 * loopback servers: node:http ones, and raw net ones for the responses node:http would not send.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { HttpTransport, type TransportResult } from '../../exporters/shared';
import { requestHead, ResponseReader } from '../../exporters/shared/http1';

const servers: Array<HttpServer | NetServer> = [];
const transports: HttpTransport[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) await t.close();
  for (const s of servers.splice(0)) {
    (s as HttpServer).closeAllConnections?.();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** Listens on 127.0.0.1; counts the connections it accepted and keeps every byte it received. */
async function listen<S extends HttpServer | NetServer>(server: S): Promise<{ server: S; url: URL; sockets: Socket[]; received: () => string }> {
  const sockets: Socket[] = [];
  const chunks: Buffer[] = [];
  server.on('connection', (s: Socket) => {
    sockets.push(s);
    s.on('data', (c: Buffer) => chunks.push(c));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const { port } = server.address() as { port: number };
  return { server, url: new URL(`http://127.0.0.1:${port}/base`), sockets, received: () => Buffer.concat(chunks).toString('latin1') };
}

/** A raw server answering every request's bytes with `answer(socket)` once the request head arrived. */
function rawServer(answer: (socket: Socket) => void): NetServer {
  return createNetServer((s) => {
    let head = '';
    s.on('data', (c: Buffer) => {
      if (head.includes('\r\n\r\n')) return;
      head += c.toString('latin1');
      if (head.includes('\r\n\r\n')) answer(s);
    });
    s.on('error', () => undefined);
  });
}

function transport(url: URL, timeoutMillis = 5000, keepAliveMillis = 5000): HttpTransport {
  const t = new HttpTransport({ endpoint: url, timeoutMillis, keepAliveMillis });
  transports.push(t);
  return t;
}

const post = (t: HttpTransport, body = new Uint8Array([1, 2, 3])): Promise<TransportResult> =>
  t.post({ path: '/ingest?name=x', headers: { 'content-type': 'application/octet-stream', 'X-Scope-OrgID': 'tenant-1' }, body });

describe('HttpTransport on the wire', () => {
  it('writes one POST with Host, Content-Length and the caller\'s headers under the endpoint\'s base path', async () => {
    let seen: { method?: string; url?: string; headers: Record<string, unknown>; body: number[] } | undefined;
    const { server, url } = await listen(createHttpServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body: [...Buffer.concat(parts)] };
        res.end('ok');
      });
    }));
    const res = await post(transport(url));
    expect(res).toEqual({ kind: 'response', status: 200, headers: expect.objectContaining({ 'content-length': '2' }), body: 'ok' });
    expect(seen).toEqual({
      method: 'POST', url: '/base/ingest?name=x', body: [1, 2, 3],
      headers: expect.objectContaining({ host: url.host, 'content-length': '3', 'content-type': 'application/octet-stream', 'x-scope-orgid': 'tenant-1' }),
    });
    expect(server.listening).toBe(true);
  });

  it('reads chunked bodies and keeps the connection for the next request', async () => {
    const { url, sockets } = await listen(createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.write('part one, ');
        setImmediate(() => res.end('part two'));
      });
    }));
    const t = transport(url);
    for (let i = 0; i < 3; i++) expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'part one, part two' });
    expect(sockets).toHaveLength(1);
  });

  it('keeps only the first 4096 bytes of a large error body and still reuses the connection', async () => {
    const { url, sockets } = await listen(createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'retry-after': '7' });
        res.end('e'.repeat(10_000));
      });
    }));
    const t = transport(url);
    const first = await post(t);
    expect(first).toMatchObject({ kind: 'response', status: 500, headers: { 'retry-after': '7' } });
    expect(first.kind === 'response' && first.body).toBe('e'.repeat(4096));
    expect(await post(t)).toMatchObject({ kind: 'response', status: 500 });
    expect(sockets).toHaveLength(1);
  });

  it('skips 100 Continue before the response', async () => {
    const { url } = await listen(rawServer((s) => s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 4\r\n\r\ndone')));
    expect(await post(transport(url))).toMatchObject({ kind: 'response', status: 202, body: 'done' });
  });

  it('reads a body that ends with the connection (HTTP/1.0) and opens a new connection next time', async () => {
    const { url, sockets } = await listen(rawServer((s) => s.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close')));
    const t = transport(url);
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'until close' });
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'until close' });
    expect(sockets).toHaveLength(2);
  });

  it('opens a new connection after a response with Connection: close', async () => {
    const { url, sockets } = await listen(createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('connection', 'close');
        res.end('bye');
      });
    }));
    const t = transport(url);
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'bye' });
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'bye' });
    expect(sockets).toHaveLength(2);
  });

  it('uses a new connection once the server closed the idle one, even before the client saw the close', async () => {
    const { server, url, sockets } = await listen(createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    }));
    server.keepAliveTimeout = 50;
    const t = transport(url);
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200 });
    // Posted as soon as the server closed its side: whether or not the client has seen the close
    // yet, the request must go through (a stale connection is left for a new one).
    await new Promise<void>((r) => (sockets[0].closed ? r() : sockets[0].once('close', () => r())));
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
    expect(sockets).toHaveLength(2);
  });

  it('sends the request again on a new connection when a kept-alive one fails before any response byte', async () => {
    let answered = 0;
    // Answers the first request on a connection and then resets it when the next request arrives.
    const { url, sockets } = await listen(rawServer((s) => {
      answered++;
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      s.once('data', () => s.resetAndDestroy());
    }));
    const t = transport(url);
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
    expect(sockets).toHaveLength(2);
    expect(answered).toBe(2);
  });

  it('does not send again when the kept-alive connection failed after a 100 Continue (the server had the request)', async () => {
    let requests = 0;
    const { url, sockets } = await listen(rawServer((s) => {
      requests++;
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      s.once('data', () => {
        requests++;
        s.write('HTTP/1.1 100 Continue\r\n\r\n', () => s.destroy());
      });
    }));
    const t = transport(url);
    expect(await post(t)).toMatchObject({ kind: 'response', status: 200 });
    const res = await post(t);
    expect(res).toMatchObject({ kind: 'error', timedOut: false });
    expect(res.kind === 'error' && res.error.message).toBe('connection closed before the response ended');
    expect(sockets).toHaveLength(1);
    expect(requests).toBe(2);
  });

  it('reports a response cut off by the server as an error', async () => {
    const { url } = await listen(rawServer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')));
    const res = await post(transport(url));
    expect(res).toMatchObject({ kind: 'error', timedOut: false });
    expect(res.kind === 'error' && res.error.message).toBe('connection closed before the response ended');
  });

  it('reports a malformed status line as an error naming it', async () => {
    const { url } = await listen(rawServer((s) => s.end('HTTP/2 200\r\n\r\n')));
    const res = await post(transport(url));
    expect(res.kind === 'error' && res.error.message).toBe('malformed status line "HTTP/2 200"');
  });

  it('times out a server that never answers', async () => {
    const { url } = await listen(rawServer(() => undefined));
    const started = Date.now();
    const res = await post(transport(url, 200));
    expect(res).toMatchObject({ kind: 'error', timedOut: true });
    expect(res.kind === 'error' && res.error.message).toBe('request timed out after 200 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('refuses a header value with CR or LF, naming the header, and sends nothing', async () => {
    const { url, sockets } = await listen(createHttpServer((_req, res) => res.end('ok')));
    const res = await transport(url).post({ path: '/x', headers: { 'X-Evil': 'a\r\nInjected: 1' }, body: new Uint8Array(0) });
    expect(res).toMatchObject({ kind: 'error', timedOut: false });
    expect(res.kind === 'error' && res.error.message).toBe('header X-Evil has a value with a control or non-Latin-1 character (CR, LF and NUL would split the request)');
    expect(sockets).toHaveLength(0);
  });

  it('reports a refused connection as a network error', async () => {
    const { server, url } = await listen(createNetServer());
    await new Promise<void>((r) => server.close(() => r()));
    servers.splice(servers.indexOf(server), 1);
    const res = await post(transport(url));
    expect(res).toMatchObject({ kind: 'error', timedOut: false });
    expect(res.kind === 'error' && (res.error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('sends requests one after another on one connection when posted together', async () => {
    const { url, sockets } = await listen(createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(req.url));
    }));
    const t = transport(url);
    const results = await Promise.all([0, 1, 2, 3].map((i) => t.post({ path: `/p${i}`, headers: {}, body: new Uint8Array(10) })));
    expect(results.map((r) => r.kind === 'response' && r.body)).toEqual(['/base/p0', '/base/p1', '/base/p2', '/base/p3']);
    expect(sockets).toHaveLength(1);
  });

  it('fails the request in flight and those waiting when closed', async () => {
    const { url } = await listen(rawServer(() => undefined));
    const t = transport(url);
    const pending = [post(t), post(t)];
    await new Promise((r) => setTimeout(r, 20));
    await t.close();
    for (const r of await Promise.all(pending)) expect(r).toMatchObject({ kind: 'error', error: { message: 'transport closed' } });
    expect(await post(t)).toMatchObject({ kind: 'error', error: { message: 'transport closed' } });
  });
});

describe('HTTP/1.1 wire format', () => {
  it('reads a response fed one byte at a time: chunk extensions, trailers, repeated headers', () => {
    const wire = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n', 'latin1');
    const reader = new ResponseReader(4096);
    const results = [];
    for (let i = 0; i < wire.length; i++) {
      const r = reader.feed(wire.subarray(i, i + 1));
      if (r) results.push({ at: i, r });
    }
    expect(results).toEqual([{ at: wire.length - 1, r: { status: 200, headers: { 'transfer-encoding': 'chunked', 'x-a': '1, 2' }, body: 'hello world', reusable: true } }]);
  });

  it('rejects conflicting Content-Length values and malformed chunk sizes', () => {
    expect(() => new ResponseReader(10).feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n'))).toThrow('invalid Content-Length "2, 3"');
    expect(() => new ResponseReader(10).feed(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toThrow('malformed chunk size line "zz"');
  });

  it('refuses a response head over 64 KiB', () => {
    const reader = new ResponseReader(10);
    expect(() => reader.feed(Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`))).toThrow('response head larger than 65536 bytes');
  });

  it('writes the head, leaving out headers the transport sets itself, and names a bad path or header', () => {
    expect(requestHead('/a?b=c', 'h:1', { 'Content-Type': 't', 'content-length': '99', Host: 'evil' }, 5))
      .toBe('POST /a?b=c HTTP/1.1\r\nHost: h:1\r\nContent-Type: t\r\nContent-Length: 5\r\n\r\n');
    expect(() => requestHead('/a b', 'h', {}, 0)).toThrow('request path "/a b" must start with "/" and hold only printable ASCII without spaces');
    expect(() => requestHead('/', 'h', { 'bad name': 'v' }, 0)).toThrow('header name "bad name" is not a valid HTTP token');
  });
});
