import { gzip as zlibGzip, gunzipSync, constants } from 'node:zlib';
import { encode } from './encode';
import type { Profile } from './model';

/**
 * Compression level: Go writes profiles with `gzip.BestSpeed` (level 1); bench/RESULTS.md
 * ("encode") shows it costs little size against the default and runs several times faster.
 */
export const GZIP_LEVEL = constants.Z_BEST_SPEED;

/**
 * Gzips bytes on the libuv threadpool (`node:zlib` async), so the event loop is not blocked
 * by compression. Resolves with the compressed bytes; rejects only on zlib failure.
 */
export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zlibGzip(bytes, { level: GZIP_LEVEL }, (err, out) => (err ? reject(err) : resolve(out)));
  });
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

/** Synchronous gunzip, for `decode` (small inputs; tests and the delta endpoint). */
export function gunzip(bytes: Uint8Array): Uint8Array {
  return gunzipSync(bytes);
}
