#!/usr/bin/env node
'use strict';
/**
 * A small HTTP service to profile: plain node:http, no framework. Run it standalone with
 *
 *   node examples/service/server.js            # http://127.0.0.1:8080
 *   PORT=0 HOST=0.0.0.0 node examples/service/server.js
 *
 * or profiled, with no code change (how deploy/ runs it):
 *
 *   node --import otelprof/register examples/service/server.js
 *
 * Routes: `/work` (CPU), `/alloc` (allocations), `/wait` (awaits), `/healthz`, `/readyz`, and `/`
 * listing them. Environment: `PORT` (default 8080; 0 picks a free port), `HOST` (default
 * 127.0.0.1; containers set 0.0.0.0). On start it prints `listening on <url>`; on SIGTERM/SIGINT it
 * stops accepting requests and exits once in-flight ones finish (and `beforeExit` hooks ran).
 *
 * Optional peers, used when installed: `@opentelemetry/api` (one span per request, so a tracer
 * provider such as the one `telemetry.js` starts sees it) and `otelprof` (a `route` label on every
 * sample taken while a request runs, via `runWithLabels`).
 */
const http = require('node:http');
const { ROUTES } = require('./handlers');

const optional = (name) => {
  try {
    return require(name);
  } catch {
    return undefined;
  }
};
const api = optional('@opentelemetry/api');
const otelprof = optional('otelprof');
const tracer = api ? api.trace.getTracer('otelprof-example-service') : undefined;
const canLabel = otelprof !== undefined && typeof otelprof.runWithLabels === 'function' && typeof otelprof.labels === 'function';

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Runs `fn` inside a span named after the route (a child of an HTTP server span if one is active). */
function inSpan(name, fn) {
  if (!tracer) return fn(undefined);
  const kind = api.trace.getActiveSpan() ? api.SpanKind.INTERNAL : api.SpanKind.SERVER;
  return tracer.startActiveSpan(name, { kind }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err && err.message) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Runs `fn` with the profiling label `route=<path>` when otelprof is loaded. */
function withRouteLabel(path, fn) {
  return canLabel ? otelprof.runWithLabels(otelprof.labels('route', path), fn) : fn();
}

async function handle(req, res) {
  const url = new URL(req.url || '/', 'http://localhost');
  if (url.pathname === '/healthz' || url.pathname === '/readyz') return sendJson(res, 200, { status: 'ok' });
  if (url.pathname === '/') {
    const routes = Object.fromEntries(Object.entries(ROUTES).map(([path, r]) => [path, r.description]));
    return sendJson(res, 200, { service: 'otelprof example', routes });
  }
  const route = ROUTES[url.pathname];
  if (!route) return sendJson(res, 404, { error: `no route ${url.pathname}` });
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'only GET' });
  const result = await inSpan(`GET ${url.pathname}`, (span) =>
    withRouteLabel(url.pathname, async () => {
      if (span) span.setAttribute('http.route', url.pathname);
      return route.run(url);
    }),
  );
  return sendJson(res, 200, result);
}

/** Reads `PORT` (0..65535) and `HOST`; exits with a message on a bad `PORT`. */
function listenAddress(env) {
  const rawPort = (env.PORT || '').trim();
  const port = rawPort === '' ? DEFAULT_PORT : Number(rawPort);
  if (!/^\d+$/.test(rawPort || '0') || port > 65535) {
    console.error(`PORT must be an integer from 0 to 65535 (actual: ${JSON.stringify(env.PORT)})`);
    process.exit(2);
  }
  return { port, host: (env.HOST || '').trim() || DEFAULT_HOST };
}

function main() {
  const { port, host } = listenAddress(process.env);
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(err && err.message) });
      else res.destroy(err);
    });
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  server.listen(port, host, () => {
    const addr = server.address();
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    console.log(`otelprof example service listening on http://${shownHost}:${addr.port}`);
  });
  // No process.exit() on the normal path: once the server is closed the loop empties and the
  // process ends by itself, so 'beforeExit' hooks (otelprof's last upload, the OTel SDK's
  // flush) still run. The unref'd timer only cuts a shutdown that hangs.
  const stop = (signal) => {
    console.log(`${signal}: closing`);
    server.close();
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) main();

module.exports = { handle, listenAddress };
