import type { IncomingMessage, ServerResponse } from 'node:http';
import { componentLogger } from '../otel-api';
import { InvalidArgumentError } from '../errors';
import { profiles } from '../profiles';
import { heapSamplerState, startHeapSampler } from '../sampler';
import { serveCpuProfile } from './cpu-route';
import { serveFlameGraphData, serveFlameGraphPage } from './flamegraph';
import { indexEntries, renderIndexPage } from './index-page';
import { serveNamedProfile } from './named-profile-route';
import { serveError } from './serve-error';
import { serveSymbol } from './symbol';

/** Options of {@link pprofHandler}. */
export interface PprofHandlerOptions {
  /** Path prefix the routes live under. Default `/debug/pprof`. */
  prefix?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. Default: no token. */
  token?: string;
  /** Longest `seconds=` a client may ask for (CPU profile, deltas, flame graph). Default 300. */
  maxProfileSeconds?: number;
}

/**
 * A request handler usable with node:http, express (`app.use(h)` or `app.use(prefix, h)`) and
 * fastify (raw req/res from an `onRequest` hook, after `reply.hijack()`).
 */
export type PprofRequestHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

const log = componentLogger('otelprof/http');

/**
 * Go's net/http/pprof routes as one request handler: the index page, `profile`, `symbol`,
 * `cmdline`, every registered profile by name (with `debug`, `gc` and `seconds`), and the flame
 * graph page under `ui/`. Requests outside the prefix go to `next` when given, else get a 404.
 * Throws InvalidArgumentError for bad options.
 */
export function pprofHandler(options: PprofHandlerOptions = {}): PprofRequestHandler {
  const rawPrefix: unknown = options.prefix ?? '/debug/pprof';
  if (typeof rawPrefix !== 'string' || !rawPrefix.startsWith('/')) {
    throw new InvalidArgumentError(`prefix must start with "/" (actual: ${JSON.stringify(options.prefix)})`);
  }
  // '' for '/': the routes at the root (`/heap`, `/profile`, the index at `/`).
  const prefix = rawPrefix.replace(/\/+$/, '');
  const maxSeconds = options.maxProfileSeconds ?? 300;
  if (!Number.isSafeInteger(maxSeconds) || maxSeconds <= 0) {
    throw new InvalidArgumentError(`maxProfileSeconds must be a positive integer (actual: ${String(options.maxProfileSeconds)})`);
  }
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === '')) {
    throw new InvalidArgumentError('token must be a non-empty string when set');
  }
  const expected = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`);
  startHeapSampling();
  return (req, res, next) => {
    const url = requestUrl(req);
    if (!url || (url.pathname !== prefix && !url.pathname.startsWith(prefix + '/'))) {
      if (next) next();
      else serveError(res, 404, '404 page not found');
      return;
    }
    if (expected && !authorized(req, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      serveError(res, 401, 'Unauthorized: this pprof endpoint needs "Authorization: Bearer <token>"');
      return;
    }
    route(req, res, url, url.pathname.slice(prefix.length), maxSeconds).catch((err: unknown) => {
      log.error('pprof request failed', err);
      serveError(res, 500, `internal error: ${(err as Error)?.message ?? String(err)}`);
    });
  };
}

async function route(req: IncomingMessage, res: ServerResponse, url: URL, path: string, maxSeconds: number): Promise<void> {
  if (path === '') {
    res.statusCode = 301;
    res.setHeader('Location', url.pathname + '/' + url.search);
    res.end();
    return;
  }
  let name = decodedName(path.slice(1));
  if (name === undefined) {
    // Go refuses a malformed escape (400); well-formed escapes that are not UTF-8 name no profile.
    const bad = /%(?![0-9A-Fa-f]{2}).{0,2}/.exec(path)?.[0];
    if (bad !== undefined) serveError(res, 400, `invalid URL escape ${JSON.stringify(bad)}`);
    else serveError(res, 404, 'Unknown profile');
    return;
  }
  // pprof derives the symbol URL from the profile URL's directory, so a custom profile named
  // `pkg/path.name` makes it ask for `<prefix>/pkg/symbol`: answer that as /symbol too.
  if (name.endsWith('/symbol')) name = 'symbol';
  const method = req.method ?? 'GET';
  const allowed = name === 'symbol' ? ['GET', 'HEAD', 'POST'] : ['GET', 'HEAD'];
  if (!allowed.includes(method)) {
    res.setHeader('Allow', allowed.join(', '));
    serveError(res, 405, `method ${method} not allowed on ${url.pathname}; use ${allowed.join(' or ')}`);
    return;
  }
  const params = url.searchParams;
  switch (name) {
    case '':
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(renderIndexPage(indexEntries(profiles())));
      return;
    case 'cmdline':
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end([process.argv[0], ...process.execArgv, ...process.argv.slice(1)].join('\x00'));
      return;
    case 'profile':
      return serveCpuProfile(res, params, maxSeconds);
    case 'symbol':
      return serveSymbol(req, res, url.search.slice(1));
    case 'trace':
      serveError(res, 404, 'Unknown profile: Go execution traces have no Node counterpart; use /debug/pprof/profile');
      return;
    case 'ui':
    case 'ui/':
      return serveFlameGraphPage(res);
    case 'ui/data':
      return serveFlameGraphData(res, params, maxSeconds);
    default:
      return serveNamedProfile(req, res, name, params, maxSeconds);
  }
}

/** The profile name of a path, or undefined when its `%` escapes do not decode. */
function decodedName(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * Go's heap profile is always on (`MemProfileRate`); V8's sampler only samples once started. Started
 * with the endpoint, the first `/heap` a client asks for holds what was allocated since, instead of
 * being empty (a sampler already running, e.g. continuous profiling's, is kept as it is).
 */
function startHeapSampling(): void {
  if (heapSamplerState() !== undefined) return;
  try {
    startHeapSampler({ mode: 'heap' });
  } catch (err) {
    log.debug(`heap sampler not started with the endpoint: ${(err as Error)?.message ?? String(err)}`);
  }
}

/**
 * The request target as a URL, or undefined when it has none. A target starting with `/` is a path:
 * parsed against a base, `//` or `//[` would be a (bad) host, and `new URL` throws on those.
 */
function requestUrl(req: IncomingMessage): URL | undefined {
  // express strips a mount path from req.url (`app.use('/debug/pprof', h)`); originalUrl keeps it.
  const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target);
  } catch {
    return undefined;
  }
}

function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const got = Buffer.from(req.headers.authorization ?? '');
  if (got.length !== expected.length) return false;
  // Loaded here, not with the handler: only endpoints with a token compare one.
  const { timingSafeEqual } = require('node:crypto') as typeof import('node:crypto');
  return timingSafeEqual(got, expected);
}
