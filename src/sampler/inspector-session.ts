/**
 * One `node:inspector` session per thread, shared by the CPU and heap fallbacks. In-process
 * `Session.post` answers synchronously, which lets the sampler stop and restart in one tick.
 */
import type { Session } from 'node:inspector';

let session: Session | undefined;
let inspector: typeof import('node:inspector') | undefined;

/**
 * `node:inspector`, loaded on first use: only the fallback backends need it, and loading it costs
 * about 0.5 MB of RSS on Node 24 in every process that runs the native sampler.
 */
export function inspectorModule(): typeof import('node:inspector') {
  inspector ??= require('node:inspector') as typeof import('node:inspector');
  return inspector;
}

/** The thread's session, connected on first use. */
export function inspectorSession(): Session {
  if (session === undefined) {
    session = new (inspectorModule().Session)();
    session.connect();
  }
  return session;
}

/**
 * Posts a command and returns its result synchronously (in-process sessions call back before
 * `post` returns). Throws the protocol error, e.g. `No recording profiles found`.
 */
export function postSync<T = unknown>(method: string, params?: object): T {
  const s = inspectorSession();
  let result: T | undefined;
  let error: Error | null | undefined;
  let done = false;
  s.post(method, params ?? {}, (err: Error | null, res?: unknown) => {
    error = err;
    result = res as T;
    done = true;
  });
  if (!done) throw new Error(`inspector: ${method} did not answer synchronously`);
  if (error) throw error;
  return result as T;
}
