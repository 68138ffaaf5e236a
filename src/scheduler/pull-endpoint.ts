/**
 * The optional `/debug/pprof` pull endpoint of continuous profiling (`pprofPort`). Binding is
 * asynchronous and may fail (port taken): the failure is reported, never thrown into the host.
 */
import { types } from 'node:util';
import { componentLogger } from '../otel-api';
import type * as Http from '../http';
import type { PprofServer } from '../http';

const log = componentLogger('otelprof/scheduler');

/** Where the pull endpoint stands once binding settled. */
export type PullEndpointStatus =
  | { readonly state: 'disabled' }
  | { readonly state: 'listening'; readonly url: string; readonly port: number }
  | { readonly state: 'failed'; readonly port: number; readonly error: Error };

/** A started (or failed) endpoint and how to close it. */
export interface PullEndpoint {
  readonly status: Promise<PullEndpointStatus>;
  close(): Promise<void>;
}

/** Starts the endpoint on `host:port`, or does nothing when `port` is undefined. Never rejects. */
export function startPullEndpoint(port: number | undefined, host: string): PullEndpoint {
  if (port === undefined) return { status: Promise.resolve({ state: 'disabled' }), close: () => Promise.resolve() };
  // The http box loads only where the endpoint is served.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { servePprof } = require('../http') as typeof Http;
  // Node's own errors may come from another realm (e.g. under jest): `instanceof Error` is not enough.
  const server: Promise<PprofServer | Error> = servePprof({ port, host }).catch((err: unknown) =>
    types.isNativeError(err) || err instanceof Error ? (err as Error) : new Error(String(err)),
  );
  const status = server.then((s): PullEndpointStatus => {
    if (!isServer(s)) {
      log.warn(`pull endpoint not started on ${host}:${port}: ${s.message}`);
      return { state: 'failed', port, error: s };
    }
    return { state: 'listening', url: s.url, port: s.port };
  });
  return {
    status,
    close: async () => {
      const s = await server;
      if (isServer(s)) await s.close();
    },
  };
}

function isServer(s: PprofServer | Error): s is PprofServer {
  return typeof (s as PprofServer).close === 'function' && typeof (s as PprofServer).url === 'string';
}
