/**
 * pprofHandler inside real express and fastify apps, as the README shows it: Go's routes answer
 * under the prefix (also when express mounts the handler at the prefix), the app's own routes keep
 * working, and `go tool pprof` reads profiles through them, including its POST to /symbol.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { pprofHandler } from '../../src/http';
import { newProfile } from '../../src/profiles';
import { runGoPprof } from '../support/go-pprof';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(base: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function recordFrameworkValue(p: ReturnType<typeof newProfile>, v: object): void {
  p.add(v);
}
const custom = newProfile('otelprof.test/frameworks');
const held = [{ n: 1 }, { n: 2 }];
for (const v of held) recordFrameworkValue(custom, v);

const apps: Array<{ name: string; base: string; close: () => Promise<void> }> = [];

beforeAll(async () => {
  // express, handler mounted at the prefix (req.url loses the prefix, originalUrl keeps it).
  const mounted = express();
  mounted.get('/hello', (_req, res) => { res.send('hello from express'); });
  mounted.use('/debug/pprof', pprofHandler());
  const s1 = mounted.listen(0, '127.0.0.1');
  await new Promise((r) => s1.once('listening', r));
  apps.push({ name: 'express, app.use(prefix, h)', base: `http://127.0.0.1:${(s1.address() as AddressInfo).port}`, close: () => new Promise((r) => s1.close(() => r())) });

  // express, handler for every path, after the app's routes.
  const global = express();
  global.use(pprofHandler());
  global.get('/hello', (_req, res) => { res.send('hello from express'); });
  const s2 = global.listen(0, '127.0.0.1');
  await new Promise((r) => s2.once('listening', r));
  apps.push({ name: 'express, app.use(h)', base: `http://127.0.0.1:${(s2.address() as AddressInfo).port}`, close: () => new Promise((r) => s2.close(() => r())) });

  // fastify: an onRequest hook hands the raw request to the handler before fastify reads the body.
  const fastify: FastifyInstance = Fastify();
  const pprof = pprofHandler();
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!req.url.startsWith('/debug/pprof')) return done();
    reply.hijack();
    pprof(req.raw, reply.raw);
  });
  fastify.get('/hello', async () => 'hello from fastify');
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  apps.push({ name: 'fastify, onRequest hook', base: `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`, close: () => fastify.close() });
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

const cases = (): Array<[string]> => [['express, app.use(prefix, h)'], ['express, app.use(h)'], ['fastify, onRequest hook']];
const app = (name: string): { base: string } => {
  const a = apps.find((x) => x.name === name);
  if (!a) throw new Error(`no app ${name}`);
  return a;
};

describe.each(cases())('%s', (name) => {
  test('the index page lists the profiles; the bare prefix redirects to it', async () => {
    const { base } = app(name);
    const index = await get(base, '/debug/pprof/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('otelprof.test/frameworks');
    const bare = await get(base, '/debug/pprof?x=1');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/debug/pprof/?x=1');
  });

  test("the app's own routes still answer", async () => {
    const { base } = app(name);
    const res = await get(base, '/hello');
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^hello from (express|fastify)$/);
  });

  test('an unknown profile gets Go\'s 404 text', async () => {
    const res = await get(app(name).base, '/debug/pprof/nosuchprofile');
    expect(res.status).toBe(404);
    expect(res.body).toBe('Unknown profile\n');
  });

  test('go tool pprof reads the heap profile', async () => {
    const res = await runGoPprof(['-raw', `${app(name).base}/debug/pprof/heap`]);
    expect(res.stderr).not.toMatch(/failed|error/i);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('PeriodType: space bytes');
  });

  test('go tool pprof -symbolize=remote POSTs to /symbol through the framework', async () => {
    const res = await runGoPprof(['-symbolize=remote', '-raw', `${app(name).base}/debug/pprof/otelprof.test/frameworks?debug=1`]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('recordFrameworkValue');
  });
});

