/**
 * gzip(): one deflate state reused for every call, each call one complete gzip member, calls
 * queued one after another; output read by zlib and by go tool pprof.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { decode, encode, gzip, isGzip, ProfileBuilder } from '../../src/pprof';
import { goPprofOn } from '../support/go-pprof';

/** Compressible bytes of `n` (a repeated pattern with some variation). */
function text(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 97 + ((i * seed) % 23) % 26;
  return b;
}

describe('gzip', () => {
  it('the first call of the process returns a whole member (the stream was not yet flowing)', async () => {
    const input = text(200_000, 7);
    const out = await gzip(input);
    expect(isGzip(out)).toBe(true);
    expect(gunzipSync(out).equals(input)).toBe(true);
  });

  it('many calls started together each get their own input back, whatever the size', async () => {
    // Empty, tiny, several 16 KiB output chunks (incompressible), and large compressible inputs.
    const inputs = [Buffer.alloc(0), Buffer.from('x'), randomBytes(100_000), text(1_000_000, 3), randomBytes(17), text(50_000, 11)];
    const outs = await Promise.all(inputs.map((b) => gzip(b)));
    outs.forEach((out, i) => {
      expect(isGzip(out)).toBe(true);
      expect(gunzipSync(out).equals(inputs[i])).toBe(true);
    });
    // One member each: gunzip of the concatenation is the concatenation (a member never carries
    // the previous call's bytes, nor ends early).
    expect(gunzipSync(Buffer.concat(outs)).equals(Buffer.concat(inputs))).toBe(true);
    // Level 1 still compresses.
    expect(outs[3].length).toBeLessThan(inputs[3].length / 10);
  });

  it('rejects a bad input with a clear error, and the next call works', async () => {
    await expect(gzip(42 as unknown as Uint8Array)).rejects.toThrow(/"chunk" argument must be of type string or an instance of Buffer/);
    const input = text(30_000, 5);
    expect(gunzipSync(await gzip(input)).equals(input)).toBe(true);
  });

  it('go tool pprof reads a profile gzipped after other calls', async () => {
    await gzip(randomBytes(50_000));
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }] });
    b.addSample([{ functionName: 'gzipReuseLeaf', fileName: 'a.js', line: 3, column: 1 }, { functionName: 'main', fileName: 'a.js', line: 9, column: 1 }], [7]);
    const bytes = await gzip(encode(b.build()));
    expect(decode(bytes).samples).toHaveLength(1);
    expect(await goPprofOn(Buffer.from(bytes), ['-top'])).toMatch(/gzipReuseLeaf/);
  });
});
