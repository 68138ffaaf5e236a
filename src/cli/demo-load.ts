/** The demo's load: the example service's three routes, a few requests at a time, for a while. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Routes driven, with what each exercises. */
export const DEMO_ROUTES = [
  { path: '/work?n=400000', name: '/work', what: 'CPU' },
  { path: '/alloc?items=15000', name: '/alloc', what: 'allocations' },
  { path: '/wait?ms=50', name: '/wait', what: 'awaits' },
] as const;

/** What the load did so far. */
export interface LoadStats {
  requests: number;
  failed: number;
  byRoute: Record<string, number>;
  lastError: string | undefined;
}

/** After a failed request a worker waits this long, so a dead service is not hammered in a tight loop. */
const FAILURE_PAUSE_MILLIS = 100;

/**
 * Sends requests to `baseUrl` with `concurrency` workers until `durationMillis` passed or `stop`
 * is aborted (requests in flight are then cancelled).
 */
export async function driveLoad(baseUrl: string, durationMillis: number, concurrency: number, stats: LoadStats, stop?: AbortSignal): Promise<void> {
  const deadline = Date.now() + durationMillis;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline && !stop?.aborted) {
      // /work twice as often as the others, so the CPU profile has a clear winner.
      const route = DEMO_ROUTES[[0, 1, 0, 2][next++ % 4]];
      try {
        const timeout = AbortSignal.timeout(10_000);
        const res = await fetch(baseUrl + route.path, { signal: stop ? AbortSignal.any([timeout, stop]) : timeout });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        stats.byRoute[route.name] = (stats.byRoute[route.name] ?? 0) + 1;
      } catch (err) {
        if (stop?.aborted) break;
        stats.failed++;
        stats.lastError = `${route.name}: ${(err as Error).message}`;
        await sleep(FAILURE_PAUSE_MILLIS);
      }
      stats.requests++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
