import { diag, DiagLogLevel } from '@opentelemetry/api';
import { BoundedQueue, LogOnce, backoffMillis, isRetryableStatus, parseRetryAfter, DEFAULT_BACKOFF } from '../../exporters/shared';

describe('exporters/shared', () => {
  it('backoff doubles up to the cap, jitter only shortens, Retry-After wins when longer (capped)', () => {
    const p = { ...DEFAULT_BACKOFF, initialBackoffMillis: 100, maxBackoffMillis: 1000, maxRetryAfterMillis: 5000, jitter: 0.5 };
    expect([1, 2, 3, 4, 5, 10].map((a) => backoffMillis(p, a, undefined, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffMillis(p, 3, undefined, () => 1)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const d = backoffMillis(p, 2, undefined);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
    expect(backoffMillis(p, 1, 3000, () => 0)).toBe(3000);
    expect(backoffMillis(p, 1, 60_000, () => 0)).toBe(5000);
    expect(backoffMillis(p, 4, 10, () => 0)).toBe(800);
  });

  it.each([
    ['120', 120_000],
    [' 3 ', 3000],
    [['7'], 7000],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 9000],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
    ['-5', undefined],
  ])('parseRetryAfter(%j)', (v, want) => {
    expect(parseRetryAfter(v as string, 1000)).toBe(want);
  });

  it('retries 429 and 5xx only', () => {
    expect([400, 401, 404, 413, 415, 422, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 500, 502, 503, 504]);
  });

  it('bounded queue: evicts the oldest by count and bytes, refuses an oversized item, retries keep their place', () => {
    const q = new BoundedQueue<{ id: number; bytes: number }>(3, 100);
    expect(q.push({ id: 1, bytes: 10 })).toEqual([]);
    q.push({ id: 2, bytes: 10 });
    q.push({ id: 3, bytes: 10 });
    expect(q.push({ id: 4, bytes: 10 }).map((x) => x.id)).toEqual([1]);
    expect(q.push({ id: 5, bytes: 80 }).map((x) => x.id)).toEqual([2]);
    expect([q.length, q.bytes]).toEqual([3, 100]);
    expect(q.push({ id: 6, bytes: 101 }).map((x) => x.id)).toEqual([6]);
    const head = q.shift()!;
    expect(head.id).toBe(3);
    expect(q.push({ id: 7, bytes: 15 }).map((x) => x.id)).toEqual([4]);
    // Back at the head it is the oldest, so it is the one evicted when the bound breaks.
    expect(q.unshift(head).map((x) => x.id)).toEqual([3]);
    expect(q.drain().map((x) => x.id)).toEqual([5, 7]);
    expect(q.bytes).toBe(0);
  });

  it('LogOnce logs a kind once, then at 10, 100, ... repeats', () => {
    const lines: string[] = [];
    diag.setLogger({ error: (...a) => void lines.push(a.join(' ')), warn: (...a) => void lines.push(a.join(' ')), info: () => undefined, debug: () => undefined, verbose: () => undefined }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      const log = new LogOnce('otelprof/test');
      for (let i = 0; i < 150; i++) log.warn('a', 'collector down');
      log.error('b', 'rejected');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toContain('otelprof/test');
      expect(lines[1]).toContain('collector down (repeated 10 times)');
      expect(lines[2]).toContain('(repeated 100 times)');
      expect(log.count('a')).toBe(150);
    } finally {
      diag.disable();
    }
  });
});

describe('exporters/shared transport', () => {
  it('sends with tracing suppressed and without node:http\'s client, so instrumentations do not trace otelprof uploads', async () => {
    const { context } = await import('@opentelemetry/api');
    const { isTracingSuppressed } = await import('@opentelemetry/core');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const dc = await import('node:diagnostics_channel');
    const { createServer } = await import('node:http');
    const { HttpTransport } = await import('../../exporters/shared');
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const cm = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(cm);
    // A net instrumentation sees the connection (net.client.socket), suppressed; an http one sees no request at all.
    const connects: boolean[] = [];
    const httpRequests: unknown[] = [];
    const onConnect = (): void => void connects.push(isTracingSuppressed(context.active()));
    const onHttpRequest = (m: unknown): void => void httpRequests.push(m);
    dc.subscribe('net.client.socket', onConnect);
    dc.subscribe('http.client.request.start', onHttpRequest);
    const t = new HttpTransport({ endpoint: new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}`), timeoutMillis: 5000, keepAliveMillis: 1000 });
    try {
      const res = await t.post({ path: '/x', headers: {}, body: new Uint8Array([1]) });
      expect(res).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
      expect(connects).toEqual([true]);
      expect(httpRequests).toEqual([]);
      expect(isTracingSuppressed(context.active())).toBe(false);
    } finally {
      dc.unsubscribe('net.client.socket', onConnect);
      dc.unsubscribe('http.client.request.start', onHttpRequest);
      context.disable();
      await t.close();
      server.close();
    }
  });
});

describe('exporters/shared transport connections', () => {
  it('reuses one keep-alive connection for sequential uploads and closes it after keepAliveMillis idle', async () => {
    const { createServer } = await import('node:http');
    const { HttpTransport } = await import('../../exporters/shared');
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const t = new HttpTransport({ endpoint: new URL(`http://127.0.0.1:${port}/base/`), timeoutMillis: 5000, keepAliveMillis: 300 });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await t.post({ path: `/p${i}`, headers: {}, body: new Uint8Array(1000) });
        expect(res).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
      }
      expect(sockets).toHaveLength(1);
      // The client closes its idle connection: the server sees the socket end.
      await new Promise<void>((r) => (sockets[0].closed ? r() : sockets[0].once('close', () => r())));
    } finally {
      await t.close();
      server.close();
    }
  });
});
