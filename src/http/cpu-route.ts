import type { ServerResponse } from 'node:http';
import { startCPUProfile, stopCPUProfile } from '../profiles';
import { BufferSink, clientGone, refuseDuration, waitOrAbort } from './collect';
import { intParam } from './query';
import { serveError } from './serve-error';

/**
 * `/debug/pprof/profile?seconds=N`: a CPU profile of the next N seconds (Go's default 30 when
 * absent or not positive). A client that disconnects stops the profile at once.
 */
export async function serveCpuProfile(res: ServerResponse, params: URLSearchParams, maxSeconds: number): Promise<void> {
  let seconds = intParam(params, 'seconds');
  if (seconds <= 0) seconds = 30;
  if (refuseDuration(res, seconds, maxSeconds)) return;
  const sink = new BufferSink();
  try {
    await startCPUProfile(sink);
  } catch (err) {
    serveError(res, 500, `Could not enable CPU profiling: ${(err as Error).message}`);
    return;
  }
  const completed = await waitOrAbort(seconds * 1000, clientGone(res));
  try {
    await stopCPUProfile();
  } catch (err) {
    if (completed) serveError(res, 500, `Could not collect CPU profile: ${(err as Error).message}`);
    return;
  }
  if (!completed) return;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Disposition', 'attachment; filename="profile"');
  res.end(sink.bytes());
}
