/**
 * decode() on hostile or broken bytes, from a seeded generator (the same cases every run): every
 * input either decodes to a profile `topFunctions` can summarize, or throws ProfileDecodeError
 * with a message; never a TypeError/RangeError from inside, never memory set by a number in the
 * input rather than by its size.
 */
import { gzipSync } from 'node:zlib';
import { decode, encode, ProfileBuilder, ProfileDecodeError, type Profile } from '../../src/pprof';
import { topFunctions } from '../../src/cli/top';
import { gzipBomb, rng } from '../support/hostile-input';

function realProfile(): Uint8Array {
  const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }] });
  b.addSample([{ functionName: 'leaf', fileName: 'a.js', line: 3, column: 1 }, { functionName: 'main', fileName: 'a.js', line: 9, column: 1 }], [7, 70]);
  b.addSample([{ functionName: 'other', fileName: 'b.js', line: 1, column: 1 }], [2, 20], [{ key: 'span_id', str: 'abc' }, { key: 'n', num: 3, numUnit: 'bytes' }]);
  return encode(b.build());
}

/** Decodes and summarizes; returns the error when it threw, failing on any non-decode error. */
function tryDecode(bytes: Uint8Array): Profile | ProfileDecodeError {
  try {
    const p = decode(bytes);
    topFunctions(p);
    return p;
  } catch (err) {
    if (!(err instanceof ProfileDecodeError)) {
      throw new Error(`input ${Buffer.from(bytes.subarray(0, 64)).toString('hex')} (${bytes.length} bytes) threw ${(err as Error).name}: ${(err as Error).message}`);
    }
    expect(err.message).toMatch(/^decode: \S/);
    return err;
  }
}

const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
const bytesField = (field: number, body: number[]): number[] => [...tag(field, 2), ...varint(body.length), ...body];
const str = (s: string): number[] => [...Buffer.from(s)];

describe('decode on hostile input', () => {
  const good = realProfile();

  it('a real profile cut at every byte, raw and gzipped, decodes or throws ProfileDecodeError', () => {
    const gz = gzipSync(good);
    for (let n = 0; n <= good.length; n++) tryDecode(good.subarray(0, n));
    for (let n = 0; n <= gz.length; n++) tryDecode(gz.subarray(0, n));
  });

  it('random bytes, and a real profile with random bytes flipped, decode or throw ProfileDecodeError', () => {
    const r = rng(42);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(1 + Math.floor(r() * 200));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(r() * 256);
      tryDecode(b);
      const m = Buffer.from(good);
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
      tryDecode(m);
    }
  });

  it('gzip of garbage, and garbage after the gzip magic, throw ProfileDecodeError', () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) {
      const b = Buffer.alloc(1 + Math.floor(r() * 100));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(r() * 256);
      tryDecode(gzipSync(b));
      tryDecode(Buffer.concat([Buffer.from([0x1f, 0x8b]), b]));
    }
  });

  it('hand-made malformed protobufs throw ProfileDecodeError naming the problem', () => {
    const cases: Array<[number[], RegExp]> = [
      [[...tag(6, 7)], /wire type 7/], // wire types 6 and 7 do not exist
      [[...tag(6, 2), ...Array(11).fill(0xff), 0x01], /invalid length encoding/], // varints longer than 10 bytes
      [[...tag(9, 0), ...Array(11).fill(0xff), 0x01], /invalid varint encoding/],
      [[...tag(6, 2), ...varint(1 << 30), 0x61], /index out of range/], // length past the end
      [[...bytesField(6, []), ...bytesField(1, [...tag(1, 0), ...varint(5)])], /string index 5 out of range/],
      [[...bytesField(6, str('x'))], /string_table\[0\] must be ''/],
      [[...Array(100_000).fill(tag(2, 3)).flat()], /not a pprof profile/], // nested groups
    ];
    for (const [bytes, message] of cases) {
      const got = tryDecode(Uint8Array.from(bytes));
      expect(got).toBeInstanceOf(ProfileDecodeError);
      expect((got as Error).message).toMatch(message);
    }
  });

  it('refuses a gzip bomb before it inflates past the limit', () => {
    // 300 gzip members of 1 MiB of zeros each: 300 KB that inflate to 300 MiB.
    const bomb = gzipBomb();
    expect(bomb.length).toBeLessThan(1 << 20);
    const got = tryDecode(bomb);
    expect(got).toBeInstanceOf(ProfileDecodeError);
    expect((got as Error).message).toBe('decode: gzip data inflates to more than 256 MiB, the limit for a profile (a gzip bomb?)');
  });

  it('ids that point nowhere, cycles and huge values decode (top names them unknown)', () => {
    // string_table ["", "f"]; a sample of locations 99 and 1; location 1 -> function 42; function 1 named "f"
    // whose id repeats; values at the int64 limits.
    const pb = [
      ...bytesField(6, []), ...bytesField(6, str('f')),
      ...bytesField(1, [...tag(1, 0), ...varint(1), ...tag(2, 0), ...varint(1)]),
      ...bytesField(2, [...bytesField(1, [...varint(99), ...varint(1), ...varint(1)]), ...tag(2, 0), ...Array(9).fill(0xff), 0x01]),
      ...bytesField(4, [...tag(1, 0), ...varint(1), ...bytesField(4, [...tag(1, 0), ...varint(42)])]),
      ...bytesField(5, [...tag(1, 0), ...varint(1), ...tag(2, 0), ...varint(1)]),
      ...bytesField(5, [...tag(1, 0), ...varint(1), ...tag(2, 0), ...varint(1)]),
      ...tag(9, 0), ...Array(9).fill(0xff), 0x01, // time_nanos = -1
    ];
    const p = tryDecode(Uint8Array.from(pb)) as Profile;
    expect(p.samples[0].locationIds).toEqual([99, 1, 1]);
    expect(topFunctions(p).rows.map((r) => r.name)).toEqual(['(unknown)']);
  });
});
