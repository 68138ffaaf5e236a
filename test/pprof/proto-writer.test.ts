/**
 * The hand-driven protobuf writer against protobufjs's Writer (the reference implementation of
 * the wire format): the same calls must give the same bytes, including values at every varint
 * size boundary, negative and 64-bit numbers, multi-byte UTF-8, nested messages whose length
 * prefixes take one to three bytes, and buffers that grow from a tiny start.
 */
import { util, Writer } from 'protobufjs/minimal';
import { ProtoWriter } from '../../src/pprof/proto-writer';

// protobufjs's own 64-bit type (long.js, which it depends on).
const Long = util.Long as unknown as { fromNumber(v: number): never; fromString(v: string): never };

const boundaries = [0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455, 268435456, 2 ** 31, 2 ** 32 - 1];
const big = [2 ** 32, 2 ** 35 + 7, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER, -1, -128, -(2 ** 31), -(2 ** 40) - 3];

test('uint32 and int64 give protobufjs varints at every size boundary, negatives in ten bytes', () => {
  const ours = new ProtoWriter(1);
  const ref = Writer.create();
  for (const v of boundaries) {
    ours.uint32(v);
    ref.uint32(v);
  }
  for (const v of [...boundaries, ...big]) {
    ours.int64(v);
    ref.int64(Long.fromNumber(v));
  }
  expect(Buffer.from(ours.finish())).toEqual(Buffer.from(ref.finish()));
});

test('bigint values wrap to 64 bits like protobufjs longs', () => {
  const values = [0n, 1n, 1_700_000_000_000_000_000n, -1n, 2n ** 63n - 1n, -(2n ** 63n)];
  const ours = new ProtoWriter(2);
  const ref = Writer.create();
  for (const v of values) {
    ours.bigint(v);
    ref.int64(Long.fromString(v.toString()));
  }
  expect(Buffer.from(ours.finish())).toEqual(Buffer.from(ref.finish()));
});

test('strings, bytes and packed arrays match, with multi-byte UTF-8', () => {
  const strings = ['', 'a', 'résumé', '漢字', '😀 emoji', 'x'.repeat(300)];
  const ours = new ProtoWriter(3);
  const ref = Writer.create();
  for (const s of strings) {
    ours.key(6, 2).string(s);
    ref.uint32((6 << 3) | 2).string(s);
  }
  const blob = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 255);
  ours.key(1, 2).bytes(blob);
  ref.uint32((1 << 3) | 2).bytes(blob);
  const packed = [1, 300, 2 ** 33, 0, 70000];
  ours.key(2, 2).packed(packed);
  ref.uint32((2 << 3) | 2).fork();
  for (const v of packed) ref.int64(Long.fromNumber(v));
  ref.ldelim();
  expect(Buffer.from(ours.finish())).toEqual(Buffer.from(ref.finish()));
});

test('nested messages get the right length prefixes (1 to 3 bytes), empty ones included', () => {
  const ours = new ProtoWriter(4);
  const ref = Writer.create();
  for (const inner of [0, 1, 3, 126, 127, 128, 5000, 20000]) {
    for (const w of [ours, ref] as const) {
      w.uint32((4 << 3) | 2).fork();
      w.uint32(1 << 3).uint32(inner);
      w.uint32((2 << 3) | 2).fork();
      for (let i = 0; i < inner; i++) w.uint32(i & 127);
      w.ldelim();
      w.ldelim();
    }
  }
  expect(Buffer.from(ours.finish())).toEqual(Buffer.from(ref.finish()));
});

test('packed arrays size every kind of value exactly: fractions truncate, NaN is 0, 2^64 and above saturate, huge and negative values take ten bytes or fewer', () => {
  const values = [0, 127.9, 128, 2 ** 32 + 0.5, 2 ** 60, -3, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 1e300];
  const ours = new ProtoWriter(1);
  ours.key(2, 2).packed(values);
  const ref = Writer.create();
  ref.uint32((2 << 3) | 2).fork();
  for (const v of values) {
    const t = Number.isFinite(v) ? Math.trunc(v) : 0;
    if (t >= 2 ** 64) ref.int64(Long.fromString('-1')); // all 64 bits set: the largest uint64
    else ref.int64(Math.abs(t) > Number.MAX_SAFE_INTEGER ? Long.fromString(BigInt.asIntN(64, BigInt(t)).toString()) : Long.fromNumber(t));
  }
  ref.ldelim();
  expect(Buffer.from(ours.finish())).toEqual(Buffer.from(ref.finish()));
});

test('misuse is reported: ldelim without fork, finish with an open message', () => {
  expect(() => new ProtoWriter().ldelim()).toThrow('ldelim without fork');
  expect(() => new ProtoWriter().fork().finish()).toThrow('finish with an open message');
});
