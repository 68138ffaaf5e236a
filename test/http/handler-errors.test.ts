import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newProfile } from '../../src/profiles';
import { pprofHandler, servePprof, type PprofServer } from '../../src/http';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchRaw(server: PprofServer, path: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let server: PprofServer;
let guarded: PprofServer;
beforeAll(async () => {
  newProfile('otelprof.test/http-errors');
  server = await servePprof({ port: 0, maxProfileSeconds: 60 });
  guarded = await servePprof({ port: 0, token: 's3cret' });
});
afterAll(async () => {
  await server.close();
  await guarded.close();
});

// Go's net/http/pprof error texts, plus otelprof's own bounds; every error is plain text with X-Go-Pprof.
const errorCases: Array<[string, string, number, string]> = [
  ['unknown profile', '/debug/pprof/nosuchprofile', 404, 'Unknown profile\n'],
  ['seconds not an integer', '/debug/pprof/heap?seconds=abc', 400, 'invalid value for "seconds" - must be a positive integer\n'],
  ['seconds zero', '/debug/pprof/heap?seconds=0', 400, 'invalid value for "seconds" - must be a positive integer\n'],
  ['seconds negative', '/debug/pprof/goroutine?seconds=-3', 400, 'invalid value for "seconds" - must be a positive integer\n'],
  ['seconds on custom profile', '/debug/pprof/otelprof.test/http-errors?seconds=1', 400, '"seconds" parameter is not supported for this profile type\n'],
  ['seconds with debug', '/debug/pprof/heap?seconds=1&debug=1', 400, 'seconds and debug params are incompatible\n'],
  ['delta above the bound', '/debug/pprof/heap?seconds=61', 400, "profile duration exceeds server's maximum of 60 seconds\n"],
  ['cpu above the bound', '/debug/pprof/profile?seconds=61', 400, "profile duration exceeds server's maximum of 60 seconds\n"],
  ['execution trace', '/debug/pprof/trace', 404, 'Unknown profile: Go execution traces have no Node counterpart; use /debug/pprof/profile\n'],
  ['outside the prefix', '/other', 404, '404 page not found\n'],
  // A bad escape is the client's error (Go's server refuses the request line), not an internal one.
  ['a malformed escape in the name', '/debug/pprof/%zz', 400, 'invalid URL escape "%zz"\n'],
  ['an escape that is not UTF-8', '/debug/pprof/%ff', 404, 'Unknown profile\n'],
];

describe('pull endpoint errors', () => {
  test.each(errorCases)('%s', async (_what, path, status, body) => {
    const res = await fetchRaw(server, path);
    expect(res.status).toBe(status);
    expect(res.body).toBe(body);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-go-pprof']).toBe('1');
    expect(res.headers['content-disposition']).toBeUndefined();
  });

  test.each([['PUT', '/debug/pprof/heap'], ['DELETE', '/debug/pprof/'], ['POST', '/debug/pprof/profile']])('%s %s is 405', async (method, path) => {
    const res = await fetchRaw(server, path, method);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.headers['x-go-pprof']).toBe('1');
  });

  test.each([
    ['no header', {}, 401],
    ['wrong token', { authorization: 'Bearer nope' }, 401],
    ['right token', { authorization: 'Bearer s3cret' }, 200],
  ])('bearer token: %s', async (_what, headers, status) => {
    const res = await fetchRaw(guarded, '/debug/pprof/', 'GET', headers as Record<string, string>);
    expect(res.status).toBe(status);
  });

  test('the prefix without a slash redirects to the index', async () => {
    const res = await fetchRaw(server, '/debug/pprof?x=1');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/debug/pprof/?x=1');
  });
});

describe('request targets WHATWG URL cannot parse', () => {
  // The host's own server, as the README shows it: whatever the handler throws lands in the host.
  const thrown: unknown[] = [];
  let host: Server;
  let hostAddr: PprofServer;
  beforeAll(async () => {
    const handler = pprofHandler();
    host = createServer((req, res) => {
      try {
        handler(req, res);
      } catch (err) {
        thrown.push(err);
        res.statusCode = 599;
        res.end();
      }
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostAddr = { port: (host.address() as AddressInfo).port } as PprofServer;
  });
  afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

  // `new URL('//', 'http://localhost')` throws ERR_INVALID_URL; under servePprof that is an
  // uncaught exception that ends the process.
  test.each(['//', '//[/debug/pprof/', '//:99999/debug/pprof/heap'])('%s is a 404, not a throw into the host', async (path) => {
    const res = await fetchRaw(hostAddr, path);
    expect(thrown).toEqual([]);
    expect(res.status).toBe(404);
    expect(res.body).toBe('404 page not found\n');
  });
});

describe("a host server's socket timeout (Go's WriteTimeout check)", () => {
  // A profile waits with the socket idle: Node's server.timeout would cut the reply, so a duration
  // at or above it gets Go's 400 at once instead of an empty reply (pprof prints only "EOF").
  let host: Server;
  let hostAddr: PprofServer;
  beforeAll(async () => {
    host = createServer(pprofHandler());
    host.timeout = 10_000;
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostAddr = { port: (host.address() as AddressInfo).port } as PprofServer;
  });
  afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

  test.each(['/debug/pprof/profile?seconds=10', '/debug/pprof/goroutine?seconds=10'])('%s is a 400', async (path) => {
    const res = await fetchRaw(hostAddr, path);
    expect(res.status).toBe(400);
    expect(res.body).toBe("profile duration exceeds server's WriteTimeout\n");
    expect(res.headers['x-go-pprof']).toBe('1');
  });

  test('a shorter profile is served', async () => {
    const res = await fetchRaw(hostAddr, '/debug/pprof/goroutine?seconds=1');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="goroutine-delta"');
  });
});

describe('pull endpoint headers', () => {
  test('index page lists every profile with Go descriptions', async () => {
    const res = await fetchRaw(server, '/debug/pprof/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    for (const name of ['allocs', 'block', 'goroutine', 'heap', 'mutex', 'threadcreate', 'cmdline', 'profile', 'otelprof.test/http-errors']) {
      expect(res.body).toContain(`<a href='${name}?debug=1'>${name}</a>`);
    }
    expect(res.body).toContain('<title>/debug/pprof/</title>');
    expect(res.body).toContain('Stack traces of holders of contended mutexes');
  });

  test('cmdline is argv joined by NUL', async () => {
    const res = await fetchRaw(server, '/debug/pprof/cmdline');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.split('\x00')[0]).toBe(process.argv[0]);
    expect(res.body.split('\x00')).toEqual([process.argv[0], ...process.execArgv, ...process.argv.slice(1)]);
  });

  test('custom profile: debug=0 is an attachment, debug=1 is text', async () => {
    const bin = await fetchRaw(server, '/debug/pprof/otelprof.test/http-errors');
    expect(bin.status).toBe(200);
    expect(bin.headers['content-type']).toBe('application/octet-stream');
    expect(bin.headers['content-disposition']).toBe('attachment; filename="otelprof.test/http-errors"');
    const text = await fetchRaw(server, '/debug/pprof/otelprof.test/http-errors?debug=1');
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['content-disposition']).toBeUndefined();
    expect(text.body).toMatch(/^otelprof\.test\/http-errors profile: total 0\n/);
  });

  test('an empty seconds= is no delta request (Go tests FormValue("seconds") != "")', async () => {
    const res = await fetchRaw(server, '/debug/pprof/otelprof.test/http-errors?seconds=&debug=1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toMatch(/^otelprof\.test\/http-errors profile: total 0\n/);
  });

  test('symbol with no addresses says symbols are available', async () => {
    const res = await fetchRaw(server, '/debug/pprof/symbol');
    expect(res.status).toBe(200);
    expect(res.body).toBe('num_symbols: 1\n');
  });

  test('a symbol POST over 1 MiB is answered (the first MiB resolved) and says it was cut, not dropped', async () => {
    const body = '0x1+'.repeat(400_000);
    const res = await fetchRaw(server, '/debug/pprof/symbol', 'POST', {}, body);
    expect(res.status).toBe(200);
    const lines = res.body.trimEnd().split('\n');
    expect(lines[0]).toBe('num_symbols: 1');
    expect(lines.at(-1)).toBe('reading request: body exceeds 1048576 bytes; the addresses after it were not read');
  });

  test('flame graph page is self-contained', async () => {
    const res = await fetchRaw(server, '/debug/pprof/ui/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });
});

describe('options', () => {
  test.each([
    [{ port: -1 }, 'port must be an integer from 0 to 65535 (actual: -1)'],
    [{ port: 70000 }, 'port must be an integer from 0 to 65535 (actual: 70000)'],
    [{ maxProfileSeconds: 0 }, 'maxProfileSeconds must be a positive integer (actual: 0)'],
    [{ token: '' }, 'token must be a non-empty string when set'],
    [{ prefix: 'debug' }, 'prefix must start with "/" (actual: "debug")'],
    [{ prefix: 5 }, 'prefix must start with "/" (actual: 5)'],
  ])('%j is rejected', async (opts, message) => {
    await expect(servePprof(opts as never)).rejects.toMatchObject({ code: 'PPROF_ERR_INVALID_ARG', message });
  });

  test('prefix "/" serves the routes at the root', async () => {
    const s = await servePprof({ port: 0, prefix: '/' });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    const index = await fetchRaw(s, '/');
    const heap = await fetchRaw(s, '/heap?debug=1');
    await s.close();
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>/debug/pprof/</title>');
    expect(heap.status).toBe(200);
    expect(heap.body).toMatch(/^heap profile: /);
  });

  test('binds 127.0.0.1 by default', async () => {
    const s = await servePprof({ port: 0 });
    expect(s.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/debug/pprof/`);
    await s.close();
  });
});
