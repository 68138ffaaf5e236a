/** Writing a finished profile to a caller's stream, waiting until the stream took it. */
import { types } from 'node:util';
import { InvalidArgumentError } from '../errors';

/** Throws `InvalidArgumentError` unless `stream` looks like a writable stream. */
export function checkWritable(stream: unknown, who: string): asserts stream is NodeJS.WritableStream {
  if (stream === null || typeof stream !== 'object' || typeof (stream as { write?: unknown }).write !== 'function') {
    throw new InvalidArgumentError(`${who}: stream must be a writable stream (got ${stream === null ? 'null' : typeof stream})`);
  }
}

/** The error a Node stream failed with, if any (`writable.errored`). */
function streamError(stream: NodeJS.WritableStream): Error | undefined {
  const e = (stream as { errored?: unknown }).errored;
  // Node's own errors may come from another realm (e.g. under jest): `instanceof Error` is not enough.
  return types.isNativeError(e) || e instanceof Error ? (e as Error) : undefined;
}

/** Writes `chunk` and resolves once the stream has accepted it; rejects with the stream's error. */
export function writeChunk(stream: NodeJS.WritableStream, chunk: Uint8Array | string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // A write to an ended stream also makes it emit 'error': refuse it without touching the stream.
    if ((stream as { writableEnded?: unknown }).writableEnded === true) {
      reject(Object.assign(new Error('write after end'), { code: 'ERR_STREAM_WRITE_AFTER_END' }));
      return;
    }
    const release = holdWriteError(stream);
    try {
      stream.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), (err?: Error | null) => {
        // A stream that failed earlier (a file that could not open) answers ERR_STREAM_DESTROYED:
        // its own error says what went wrong.
        if (err) reject(streamError(stream) ?? err);
        else {
          release();
          resolve();
        }
      });
    } catch (err) {
      release();
      reject(err);
    }
  });
}

/**
 * A failed write rejects our promise, and the stream then emits the same error as 'error': without
 * a listener that would crash a host that handled the rejection (Go's WriteTo only returns it).
 * Listens once for it; the returned function stops listening when the write went through.
 */
function holdWriteError(stream: NodeJS.WritableStream): () => void {
  // checkWritable accepts any object with write(): one without events has nothing to emit.
  if (typeof stream.once !== 'function' || typeof stream.removeListener !== 'function') return () => {};
  const reported = (): void => {};
  stream.once('error', reported);
  return () => stream.removeListener('error', reported);
}
