/** Inputs for tests that must hold against hostile or random data, the same on every run. */
import { gzipSync } from 'node:zlib';

/** mulberry32: a small seeded PRNG, so a failing case is the same case next run (replay from its seed). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 300 gzip members of 1 MiB of zeros: about 300 KB that inflate to 300 MiB. */
export function gzipBomb(): Buffer {
  return Buffer.concat(Array(300).fill(gzipSync(Buffer.alloc(1 << 20), { level: 9 })));
}
