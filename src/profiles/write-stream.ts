/** Writing a finished profile to a caller's stream, waiting until the stream took it. */
import { InvalidArgumentError } from '../errors';

/** Throws `InvalidArgumentError` unless `stream` looks like a writable stream. */
export function checkWritable(stream: unknown, who: string): asserts stream is NodeJS.WritableStream {
  if (stream === null || typeof stream !== 'object' || typeof (stream as { write?: unknown }).write !== 'function') {
    throw new InvalidArgumentError(`${who}: stream must be a writable stream (got ${stream === null ? 'null' : typeof stream})`);
  }
}

/** Writes `chunk` and resolves once the stream has accepted it; rejects with the stream's error. */
export function writeChunk(stream: NodeJS.WritableStream, chunk: Uint8Array | string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      stream.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), (err?: Error | null) => {
        if (err) reject(err);
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
