/**
 * decode() on hostile or broken bytes, from a seeded generator (the same cases every run): every
 * input either decodes to a profile `topFunctions` can summarize, or throws ProfileDecodeError
 * with a message; never a TypeError/RangeError from inside, never memory set by a number in the
 * input rather than by its size.
 */
import { gzipSync } from 'node:zlib';
import { decode, encode, ProfileBuilder, ProfileDecodeError, type Profile } from '../../src/pprof';
import { topFunctions } from '../../src/cli/top';
import { runGoPprof, writeTempFile } from '../support/go-pprof';
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

  it('a stack that repeats a location, int64-limit values and time_nanos -1 decode', () => {
    // string_table ["", "f"]; a sample of locations 1, 1, 1 valued -1; location 1 -> function 1 named "f".
    const pb = [
      ...bytesField(6, []), ...bytesField(6, str('f')),
      ...bytesField(1, [...tag(1, 0), ...varint(1), ...tag(2, 0), ...varint(1)]),
      ...bytesField(2, [...bytesField(1, [...varint(1), ...varint(1), ...varint(1)]), ...tag(2, 0), ...Array(9).fill(0xff), 0x01]),
      ...bytesField(4, [...tag(1, 0), ...varint(1), ...bytesField(4, [...tag(1, 0), ...varint(1)])]),
      ...bytesField(5, [...tag(1, 0), ...varint(1), ...tag(2, 0), ...varint(1)]),
      ...tag(9, 0), ...Array(9).fill(0xff), 0x01, // time_nanos = -1
    ];
    const p = tryDecode(Uint8Array.from(pb)) as Profile;
    expect(p.samples[0]).toMatchObject({ locationIds: [1, 1, 1], values: [-1] });
    expect(p.timeNanos).toBe(-1n);
    expect(topFunctions(p).rows).toEqual([{ name: 'f', flat: -1, cum: -1 }]);
  });
});

/** What `rawProfile` writes: one sample type `samples/count`, one sample, and these tables. */
interface RawShape {
  sampleTypes?: number;
  sample?: { locationIds: number[]; values: number[] };
  mappingIds?: number[];
  locations?: Array<{ id: number; mappingId: number; functionId: number }>;
  functionIds?: number[];
}

/**
 * Protobuf bytes of a small profile, written field by field so ids can be wrong in ways our
 * encoder never writes. Defaults: sample [location 1] = [5]; mapping 1; location 1 (mapping 1,
 * function 1); function 1 named "f". string_table ["", "samples", "count", "f"].
 */
function rawProfile(shape: RawShape = {}): Uint8Array {
  const { sampleTypes = 1, sample = { locationIds: [1], values: [5] }, mappingIds = [1], functionIds = [1] } = shape;
  const locations = shape.locations ?? [{ id: 1, mappingId: 1, functionId: 1 }];
  const v = (field: number, n: number): number[] => [...tag(field, 0), ...varint(n)];
  return Uint8Array.from([
    ...Array.from({ length: sampleTypes }, () => bytesField(1, [...v(1, 1), ...v(2, 2)])).flat(),
    ...bytesField(2, [...bytesField(1, sample.locationIds.flatMap(varint)), ...bytesField(2, sample.values.flatMap(varint))]),
    ...mappingIds.flatMap((id) => bytesField(3, [...v(1, id), ...v(2, 0x1000), ...v(3, 0x2000)])),
    ...locations.flatMap((l) => bytesField(4, [...v(1, l.id), ...v(2, l.mappingId), ...v(3, 0x1100), ...bytesField(4, [...v(1, l.functionId), ...v(2, 3)])])),
    ...functionIds.flatMap((id) => bytesField(5, [...v(1, id), ...v(2, 3)])),
    ...['', 'samples', 'count', 'f'].flatMap((s) => bytesField(6, str(s))),
  ]);
}

/** `go tool pprof -raw` on bytes: its stdout when it reads them, its stderr when it refuses them. */
async function goRaw(bytes: Uint8Array): Promise<{ ok: boolean; out: string }> {
  const res = await runGoPprof(['-raw', writeTempFile(bytes, 'profile.pb')]);
  return { ok: res.code === 0, out: res.code === 0 ? res.stdout : res.stderr };
}

describe('decode refuses what Go refuses as malformed (profile.Parse, CheckValid)', () => {
  const loc = (id: number, mappingId = 1, functionId = 1) => ({ id, mappingId, functionId });
  // [what is wrong, the profile, Go's message, what our message adds after it]
  const refused: Array<[string, RawShape, string, string]> = [
    ['a sample at an unknown location id', { sample: { locationIds: [1, 99], values: [5] } },
      'sample has nil location', 'sample 0 refers to location id 99, which is not in the location table'],
    ['a sample at location id 0', { sample: { locationIds: [0], values: [5] } },
      'sample has nil location', 'sample 0 refers to location id 0, which is not in the location table'],
    ['a line at an unknown function id', { locations: [loc(1, 1, 42)] },
      'location id: 1 has a line with nil function', 'line 0 refers to function id 42, which is not in the function table'],
    ['a line at function id 0', { locations: [loc(1, 1, 0)] },
      'location id: 1 has a line with nil function', 'line 0 refers to function id 0, which is not in the function table'],
    ['two locations with one id', { locations: [loc(1), loc(1)] },
      'multiple locations with same id: 1', 'location ids must be unique'],
    ['two functions with one id', { functionIds: [1, 1] },
      'multiple functions with same id: 1', 'function ids must be unique'],
    ['two mappings with one id', { mappingIds: [1, 1] },
      'multiple mappings with same id: 1', 'mapping ids must be unique'],
    ['a location with id 0', { sample: { locationIds: [0], values: [5] }, locations: [loc(0)] },
      'found location with reserved id=0', 'location ids must be non-zero: 0 means "no location"'],
    ['a function with id 0', { functionIds: [1, 0] },
      'found function with reserved ID=0', 'function ids must be non-zero: 0 means "no function"'],
    ['a mapping with id 0', { mappingIds: [1, 0] },
      'found mapping with reserved ID=0', 'mapping ids must be non-zero: 0 means "no mapping"'],
    ['a sample with more values than sample types', { sample: { locationIds: [1], values: [5, 6] } },
      'mismatch: sample has 2 values vs. 1 types', 'sample 0: a sample needs one value per sample type'],
    ['a sample with no values', { sample: { locationIds: [1], values: [] } },
      'mismatch: sample has 0 values vs. 1 types', 'sample 0: a sample needs one value per sample type'],
    ['samples without sample types', { sampleTypes: 0 },
      'missing sample type information', '1 sample but no sample_type to say what its values are'],
  ];

  it.each(refused)('%s: decode throws ProfileDecodeError with Go\'s message, and go tool pprof refuses it too', async (_what, shape, goMessage, detail) => {
    const bytes = rawProfile(shape);
    const got = tryDecode(bytes);
    expect(got).toBeInstanceOf(ProfileDecodeError);
    expect((got as ProfileDecodeError).code).toBe('PPROF_ERR_DECODE');
    expect((got as Error).message).toBe(`decode: malformed profile: ${goMessage} (${detail})`);
    expect(tryDecode(gzipSync(bytes))).toEqual(got);
    const go = await goRaw(bytes);
    expect(go.ok).toBe(false);
    expect(go.out).toContain(`malformed profile: ${goMessage}\n`);
  });

  it('reads a location whose mapping id names no mapping as having none, as Go does', async () => {
    for (const mappingId of [77, 0]) {
      const bytes = rawProfile({ locations: [loc(1, mappingId)] });
      const p = tryDecode(bytes) as Profile;
      expect(p.locations[0].mappingId).toBe(0);
      expect(topFunctions(p).rows).toEqual([{ name: 'f', flat: 5, cum: 5 }]);
      const go = await goRaw(bytes);
      expect(go).toEqual({ ok: true, out: expect.stringMatching(/\n\s+1: 0x1100 f :3 /) }); // no `M=`: no mapping
    }
  });

  it('accepts the well-formed base profile, as Go does', async () => {
    const bytes = rawProfile();
    expect((tryDecode(bytes) as Profile).locations[0].mappingId).toBe(1);
    expect((await goRaw(bytes)).ok).toBe(true);
  });
});
