import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { serveError } from './serve-error';

/** A writable that keeps everything written to it, for profiles that must be complete before replying. */
export class BufferSink extends Writable {
  private readonly _chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this._chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }
  /** Everything written so far. */
  bytes(): Buffer {
    return Buffer.concat(this._chunks);
  }
}

/**
 * Resolves after `millis`, or early (with `false`) when `signal` aborts: the client went away, so the
 * work it asked for stops.
 */
export function waitOrAbort(millis: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, millis);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** An AbortSignal that fires when the client disconnects before the response is finished. */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  // The client may have left before we got here (the app's async middleware, our own snapshot):
  // 'close' has fired already and will not fire again.
  if (res.destroyed && !res.writableFinished) controller.abort();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Answers 400 with Go's text and returns true when a `seconds=` profile cannot be served: over the
 * handler's maximum, or (Go's `durationExceedsWriteTimeout`) at or over the socket timeout. A
 * profile waits with the socket idle, so a socket timeout (Node's `server.timeout`,
 * `req.setTimeout`) at or below the duration would end the connection with no reply at all.
 */
export function refuseDuration(res: ServerResponse, seconds: number, maxSeconds: number): boolean {
  if (seconds > maxSeconds) {
    serveError(res, 400, `profile duration exceeds server's maximum of ${maxSeconds} seconds`);
    return true;
  }
  const timeout = res.socket?.timeout;
  if (timeout !== undefined && timeout > 0 && seconds * 1000 >= timeout) {
    serveError(res, 400, "profile duration exceeds server's WriteTimeout");
    return true;
  }
  return false;
}
