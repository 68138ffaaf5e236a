import { Writable } from 'node:stream';

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
export function clientGone(res: import('node:http').ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
