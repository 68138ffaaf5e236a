import type { ServerResponse } from 'node:http';
import { decode } from '../../pprof';
import { lookup, startCPUProfile, stopCPUProfile } from '../../profiles';
import { BufferSink, clientGone, refuseDuration, waitOrAbort } from '../collect';
import { intParam } from '../query';
import { serveError } from '../serve-error';
import { toFlameData } from './flame-data';
import { flameGraphPage } from './page';

/** `ui/`: the self-contained flame graph page (no CDN: script and style are inline). */
export function serveFlameGraphPage(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
  res.end(flameGraphPage);
}

/** `ui/data?profile=<name>&seconds=N`: one profile as JSON for the page (`cpu` records N seconds). */
export async function serveFlameGraphData(res: ServerResponse, params: URLSearchParams, maxSeconds: number): Promise<void> {
  const name = params.get('profile') ?? 'cpu';
  const sink = new BufferSink();
  if (name === 'cpu') {
    let seconds = intParam(params, 'seconds');
    if (seconds <= 0) seconds = 5;
    if (refuseDuration(res, seconds, maxSeconds)) return;
    try {
      await startCPUProfile(sink);
    } catch (err) {
      return serveError(res, 500, `Could not enable CPU profiling: ${(err as Error).message}`);
    }
    const completed = await waitOrAbort(seconds * 1000, clientGone(res));
    await stopCPUProfile();
    if (!completed) return;
  } else {
    const profile = lookup(name);
    if (!profile) return serveError(res, 404, 'Unknown profile');
    try {
      await profile.writeTo(sink, 0);
    } catch (err) {
      return serveError(res, 500, `Could not write profile ${name}: ${(err as Error).message}`);
    }
  }
  const data = toFlameData(name, decode(sink.bytes()));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(data));
}
