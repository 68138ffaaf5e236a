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
    try {
      stream.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), (err?: Error | null) => {
        // A stream that failed earlier (a file that could not open) answers ERR_STREAM_DESTROYED:
        // its own error says what went wrong.
        if (err) reject(streamError(stream) ?? err);
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
