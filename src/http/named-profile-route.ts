import type { IncomingMessage, ServerResponse } from 'node:http';
import { decode, delta, encodeGzip, nowNanos } from '../pprof';
import { lookup, type Profile } from '../profiles';
import { BufferSink, clientGone, refuseDuration, waitOrAbort } from './collect';
import { intParam } from './query';
import { serveError } from './serve-error';
import { runGc } from './run-gc';

/** Built-in profiles that Go allows `seconds=` on (custom profiles never support it). */
const DELTA_PROFILES = new Set(['allocs', 'block', 'goroutine', 'heap', 'mutex', 'threadcreate']);

/** `/debug/pprof/<name>`: one profile, in proto (debug=0) or text (debug>0), or a delta over `seconds`. */
export async function serveNamedProfile(req: IncomingMessage, res: ServerResponse, name: string, params: URLSearchParams, maxSeconds: number): Promise<void> {
  const profile = lookup(name);
  if (!profile) {
    serveError(res, 404, 'Unknown profile');
    return;
  }
  // Go asks `r.FormValue("seconds") != ""`: an empty `seconds=` is a plain profile request.
  if (params.get('seconds')) {
    await serveDelta(res, profile, params, maxSeconds);
    return;
  }
  const debug = intParam(params, 'debug');
  if (name === 'heap' && intParam(params, 'gc') > 0) runGc();
  const sink = new BufferSink();
  try {
    await profile.writeTo(sink, debug);
  } catch (err) {
    serveError(res, 500, `Could not write profile ${name}: ${(err as Error).message}`);
    return;
  }
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (debug !== 0) {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  } else {
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  }
  if (req.method === 'HEAD') res.end();
  else res.end(sink.bytes());
}

/** Go's `serveDeltaProfile`, checks in Go's order and with Go's texts. */
async function serveDelta(res: ServerResponse, profile: Profile, params: URLSearchParams, maxSeconds: number): Promise<void> {
  const raw = params.get('seconds') ?? '';
  const seconds = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds > 0) || !Number.isSafeInteger(seconds)) {
    serveError(res, 400, 'invalid value for "seconds" - must be a positive integer');
    return;
  }
  if (!DELTA_PROFILES.has(profile.name)) {
    serveError(res, 400, '"seconds" parameter is not supported for this profile type');
    return;
  }
  if (refuseDuration(res, seconds, maxSeconds)) return;
  if (intParam(params, 'debug') !== 0) {
    serveError(res, 400, 'seconds and debug params are incompatible');
    return;
  }
  let before;
  try {
    before = await snapshot(profile);
  } catch (err) {
    serveError(res, 500, `failed to collect profile: ${(err as Error).message}`);
    return;
  }
  if (!(await waitOrAbort(seconds * 1000, clientGone(res)))) return;
  let bytes: Uint8Array;
  try {
    const after = await snapshot(profile);
    bytes = await encodeGzip(delta(before, after));
  } catch (err) {
    serveError(res, 500, `failed to compute delta: ${(err as Error).message}`);
    return;
  }
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Disposition', `attachment; filename="${profile.name}-delta"`);
  res.end(bytes);
}

async function snapshot(profile: Profile): Promise<ReturnType<typeof decode>> {
  const sink = new BufferSink();
  await profile.writeTo(sink, 0);
  const decoded = decode(sink.bytes());
  decoded.timeNanos = nowNanos();
  return decoded;
}
