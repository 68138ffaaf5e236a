import { createGzip, gunzipSync, constants, type Gzip } from 'node:zlib';
import { encode } from './encode';
import { ProfileDecodeError } from './errors';
import type { Profile } from './model';

/**
 * Compression level: Go writes profiles with `gzip.BestSpeed` (level 1); bench/RESULTS.md
 * ("encode") shows it costs little size against the default and runs several times faster.
 */
export const GZIP_LEVEL = constants.Z_BEST_SPEED;

/**
 * One deflate state for every profile of the thread, reset between them. `zlib.gzip()` makes a new
 * state (about 256 KiB) per call, allocated on whichever threadpool thread runs it first; glibc
 * keeps a per-thread heap for each, so after a few collections every threadpool thread held one:
 * 20 gzips left 0.9 MB (Node 24) / 0.4 MB (Node 20) more RSS than with one reused state
 * (bench/gzip-rss.js; bench/RESULTS.md, ninth pass). Jobs run one at a time, each a whole gzip member.
 */
let compressor: { z: Gzip & { reset(): void }; chunks: Buffer[] } | undefined;
let queue: Promise<unknown> = Promise.resolve();

function openCompressor(): NonNullable<typeof compressor> {
  // `reset()` is documented for every deflate class; @types/node leaves it off Gzip.
  const c = { z: createGzip({ level: GZIP_LEVEL }) as Gzip & { reset(): void }, chunks: [] as Buffer[] };
  c.z.on('data', (chunk: Buffer) => c.chunks.push(chunk));
  // Errors reach the job that caused them (gzipOne); this one only keeps a late error from
  // becoming an unhandled 'error' event in the host app.
  c.z.on('error', () => undefined);
  return c;
}

function gzipOne(bytes: Uint8Array): Promise<Uint8Array> {
  const c = compressor ?? (compressor = openCompressor());
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      // A failed deflate state is not reused: the next job opens a new one.
      if (compressor === c) compressor = undefined;
      c.z.destroy();
      reject(err);
    };
    c.z.once('error', fail);
    try {
      c.z.write(bytes);
    } catch (err) {
      c.z.off('error', fail);
      reject(err as Error);
      return;
    }
    // Z_FINISH ends the gzip member (trailer included); reset() starts the next one's header.
    c.z.flush(constants.Z_FINISH, () => {
      c.z.off('error', fail);
      if (c.z.destroyed) return;
      const out = Buffer.concat(c.chunks);
      c.chunks = [];
      c.z.reset();
      resolve(out);
    });
  });
}

/**
 * Gzips bytes on the libuv threadpool (`node:zlib` async), so the event loop is not blocked
 * by compression. Calls queue behind each other on one deflate state. Resolves with the
 * compressed bytes (one complete gzip member); rejects on a zlib failure or when `bytes` is not
 * a Uint8Array (the next call works either way).
 */
export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const job = queue.then(() => gzipOne(bytes));
  queue = job.catch(() => undefined);
  return job;
}

/**
 * Encodes a profile and gzips it: the `debug=0` form `go tool pprof` and Pyroscope read.
 * Encoding runs synchronously on the caller's thread; compression runs on the threadpool.
 */
export async function encodeGzip(p: Profile): Promise<Uint8Array> {
  return gzip(encode(p));
}

/** True when `bytes` start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The most bytes `gunzip` inflates: far above any real profile, yet it stops a gzip bomb (1 GB of
 * zeros is a 1 MB download) before it takes the memory.
 */
export const MAX_GUNZIP_BYTES = 256 * 1024 * 1024;

/**
 * Synchronous gunzip, for `decode` (small inputs; tests and the delta endpoint). Throws
 * ProfileDecodeError naming the limit once the output would pass `MAX_GUNZIP_BYTES` (zlib stops
 * inflating there).
 */
export function gunzip(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_GUNZIP_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw err;
    throw new ProfileDecodeError(`decode: gzip data inflates to more than ${MAX_GUNZIP_BYTES / (1024 * 1024)} MiB, the limit for a profile (a gzip bomb?)`);
  }
}
