import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '../errors';
import { pprofHandler, type PprofHandlerOptions } from './handler';

/** Options of {@link servePprof}. */
export interface ServePprofOptions extends PprofHandlerOptions {
  /** TCP port; 0 picks a free one. Default 6060 (Go's convention). */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`: the endpoint is never exposed unless asked. */
  host?: string;
}

/** A running pull endpoint. */
export interface PprofServer {
  /** Base URL of the routes, e.g. `http://127.0.0.1:6060/debug/pprof/`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Stops accepting connections and closes every open one, as Go's `Server.Close`: a request in
   * flight (a `profile?seconds=300`) ends at once and its CPU profile stops, so a shutdown never
   * waits for it.
   */
  close(): Promise<void>;
}

/**
 * Starts a standalone HTTP server with the `/debug/pprof` routes (see {@link pprofHandler}).
 * Binds 127.0.0.1 by default. The server does not keep the process alive.
 */
export async function servePprof(options: ServePprofOptions = {}): Promise<PprofServer> {
  const port = options.port ?? 6060;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`port must be an integer from 0 to 65535 (actual: ${String(options.port)})`);
  }
  const host = options.host ?? '127.0.0.1';
  const handler = pprofHandler(options);
  // Loaded here, not with the package: an app that never serves the endpoint and is no HTTP server
  // itself does not carry node:http (0.7-1.0 MB of its RSS, bench/load-rss.js).
  const { createServer } = require('node:http') as typeof import('node:http');
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const prefix = (options.prefix ?? '/debug/pprof').replace(/\/+$/, '');
  return {
    url: `http://${shownHost}:${bound}${prefix}/`,
    port: bound,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
