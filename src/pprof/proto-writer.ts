/**
 * A protobuf writer for the hand-driven encoders (pprof, the Pyroscope push request): varints,
 * strings, bytes, packed repeated varints and nested messages, written straight into one growing
 * buffer. A nested message's length is not known until it ends: one byte is reserved for it,
 * and only a message of 128 bytes or more moves right to make room for a longer length (instead
 * of keeping a list of pending operations, as protobufjs does). Loading protobufjs (with
 * long.js) cost a profiling process 4-5 MB of RSS, and every write of its `Writer` allocated an
 * operation object (bench/RESULTS.md, "Third pass").
 */

import { fieldKey } from './wire-tags';

const TWO_32 = 4294967296;
/**
 * Numbers at or above 2^64 are written as 2^64-1: the largest uint64 (pprof's "no limit" mapping
 * end) reads back as the double 2^64, which wrapping to 64 bits would turn into 0.
 */
const TWO_64 = 18446744073709551616;
const MAX_UINT64 = (1n << 64n) - 1n;

export class ProtoWriter {
  private _buf: Buffer;
  private _pos = 0;
  /** Start offsets of the open nested messages (innermost last). */
  private readonly _open: number[] = [];

  constructor(initialBytes = 4096) {
    this._buf = Buffer.allocUnsafe(initialBytes);
  }

  /** A field key: field number and wire type. */
  key(field: number, wireType: number): this {
    return this.uint32(fieldKey(field, wireType));
  }

  /** An unsigned varint of a value in [0, 2^32). */
  uint32(v: number): this {
    this._ensure(5);
    this._pos = putVarint32(this._buf, this._pos, v);
    return this;
  }

  /**
   * A 64-bit varint (int64/uint64 fields) of a number, truncated to an integer: non-negative
   * values up to 2^53 directly, negative ones as their 64-bit two's complement (ten bytes), as
   * protobuf wants; 2^64 and above as 2^64-1; NaN and infinities as 0.
   */
  int64(v: number): this {
    if (v >= 0 && v < TWO_32 && v >>> 0 === v) return this.uint32(v);
    if (!Number.isFinite(v)) return this.uint32(0);
    if (v !== Math.trunc(v)) return this.int64(Math.trunc(v));
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      this._ensure(10);
      const b = this._buf;
      let p = this._pos;
      while (v > 127) {
        b[p++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
      b[p++] = v;
      this._pos = p;
      return this;
    }
    return this.bigint(v >= TWO_64 ? MAX_UINT64 : BigInt(v));
  }

  /** A 64-bit varint of a bigint (wrapped to 64 bits, two's complement for negatives). */
  bigint(v: bigint): this {
    let u = BigInt.asUintN(64, v);
    this._ensure(10);
    const b = this._buf;
    let p = this._pos;
    while (u > 127n) {
      b[p++] = Number(u & 127n) | 128;
      u >>= 7n;
    }
    b[p++] = Number(u);
    this._pos = p;
    return this;
  }

  /** A length-delimited UTF-8 string (the key is written by the caller). */
  string(s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.uint32(n);
    this._ensure(n);
    if (n > 0) this._pos += this._buf.write(s, this._pos, n, 'utf8');
    return this;
  }

  /** Length-delimited raw bytes (the key is written by the caller). */
  bytes(data: Uint8Array): this {
    this.uint32(data.length);
    this._ensure(data.length);
    this._buf.set(data, this._pos);
    this._pos += data.length;
    return this;
  }

  /** A packed repeated varint field's payload (length, then each value as `int64`). */
  packed(values: readonly number[]): this {
    // The common case (ids, counts: all in [0, 2^32)) in one inline pass behind a reserved
    // length byte, as a nested message: this loop is most of a pprof encode.
    this._ensure(1 + 5 * values.length);
    const b = this._buf;
    const start = this._pos + 1;
    let p = start;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!(v >= 0 && v < TWO_32 && v >>> 0 === v)) return this._packedAny(values);
      p = putVarint32(b, p, v);
    }
    this._pos = p;
    this._open.push(start);
    return this.ldelim();
  }

  /** `packed` for any numbers: sized first, then written value by value. */
  private _packedAny(values: readonly number[]): this {
    let n = 0;
    for (let i = 0; i < values.length; i++) n += int64Size(values[i]);
    this.uint32(n);
    for (let i = 0; i < values.length; i++) this.int64(values[i]);
    return this;
  }

  /** Opens a nested message (its key already written); close it with `ldelim`. */
  fork(): this {
    // One byte is reserved for the length: most messages are shorter than 128 bytes and then
    // never move.
    this._ensure(1);
    this._pos++;
    this._open.push(this._pos);
    return this;
  }

  /** Closes the innermost open message: writes its length before its bytes. */
  ldelim(): this {
    const start = this._open.pop();
    if (start === undefined) throw new Error('ProtoWriter: ldelim without fork');
    const len = this._pos - start;
    const b = this._buf;
    if (len < 128) {
      b[start - 1] = len;
      return this;
    }
    const extra = varintSize(len) - 1;
    this._ensure(extra);
    const buf = this._buf;
    buf.copyWithin(start + extra, start, this._pos);
    putVarint32(buf, start - 1, len);
    this._pos += extra;
    return this;
  }

  /** The encoded bytes; the writer must not be used afterwards. */
  finish(): Uint8Array {
    if (this._open.length > 0) throw new Error('ProtoWriter: finish with an open message');
    // A mostly empty buffer (after doubling) is copied out rather than kept alive by a view.
    if (this._pos < this._buf.length * 0.75) return Uint8Array.prototype.slice.call(this._buf, 0, this._pos);
    return new Uint8Array(this._buf.buffer, this._buf.byteOffset, this._pos);
  }

  private _ensure(n: number): void {
    if (this._pos + n <= this._buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this._buf.length * 2, this._pos + n));
    this._buf.copy(next, 0, 0, this._pos);
    this._buf = next;
  }
}

/** Writes the varint of `v` in [0, 2^32) at `p` (room already ensured); returns the next offset. */
function putVarint32(b: Buffer, p: number, v: number): number {
  while (v > 127) {
    b[p++] = (v & 127) | 128;
    v >>>= 7;
  }
  b[p++] = v;
  return p;
}

/** Bytes `int64(v)` writes. */
function int64Size(v: number): number {
  if (v >= 0 && v < TWO_32 && v >>> 0 === v) return varintSize(v);
  if (!Number.isFinite(v)) return 1;
  v = Math.trunc(v);
  if (v < 0) return 10;
  if (v >= TWO_64) return 10;
  if (v > Number.MAX_SAFE_INTEGER) return bigintSize(BigInt(v));
  let n = 1;
  while (v > 127) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function bigintSize(v: bigint): number {
  let n = 1;
  for (let u = BigInt.asUintN(64, v); u > 127n; u >>= 7n) n++;
  return n;
}

/** Bytes of the varint of `v` in [0, 2^32). */
function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}
