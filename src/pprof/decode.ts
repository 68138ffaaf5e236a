import type { perftools } from '../../proto/generated/profile';
import { checkValid } from './check-valid';
import { ProfileDecodeError } from './errors';
import { gunzip, isGzip } from './gzip';
import type { Label, Location, Mapping, Profile, PprofFunction, Sample, ValueType } from './model';

type Int64 = number | { low: number; high: number; toNumber(): number } | null | undefined;
type Pb = perftools.profiles.Profile;

/**
 * Decodes a pprof profile, gzip-compressed (detected by the `1f 8b` magic) or raw protobuf,
 * into the in-memory model with strings resolved. Decoding uses the static code generated from
 * proto/profile.proto. Throws `ProfileDecodeError` (`PPROF_ERR_DECODE`) on empty input, corrupt
 * gzip, bytes that are not a protobuf `Profile`, a bad string table (pprof's own rules:
 * `string_table[0]` must be `""`, every index must be in range), or a profile Go's `profile.Parse`
 * refuses as malformed (see `checkValid`: value counts, ids that are 0, repeat or point nowhere).
 * A location's mapping id that names no mapping reads as 0 (no mapping), as Go reads it.
 */
export function decode(bytes: Uint8Array): Profile {
  if (bytes.length === 0) throw new ProfileDecodeError('decode: empty input file');
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzip(bytes);
    } catch (err) {
      if (err instanceof ProfileDecodeError) throw err; // over the size limit: already says so
      throw new ProfileDecodeError(`decode: invalid gzip data: ${(err as Error).message}`);
    }
  }
  let pb: Pb;
  try {
    pb = generatedProfile().perftools.profiles.Profile.decode(raw);
  } catch (err) {
    throw new ProfileDecodeError(`decode: not a pprof profile (${raw.length} bytes): ${(err as Error).message}`);
  }
  const p = fromPb(pb);
  checkValid(p);
  dropUnknownMappings(p);
  return p;
}

/** Go resolves a mapping id with no mapping to "none" and accepts it; the model spells none 0. */
function dropUnknownMappings(p: Profile): void {
  const ids = new Set(p.mappings.map((m) => m.id));
  for (const l of p.locations) if (!ids.has(l.mappingId)) l.mappingId = 0;
}

/**
 * The generated decoder (200 KB of code) loads on the first decode: a profiling process only
 * encodes, and loading it cost ~1.5 MB of RSS (measured, bench/RESULTS.md).
 */
function generatedProfile(): typeof import('../../proto/generated/profile') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../proto/generated/profile') as typeof import('../../proto/generated/profile');
}

function fromPb(pb: Pb): Profile {
  const strings = pb.stringTable ?? [];
  if (strings.length === 0 || strings[0] !== '') {
    throw new ProfileDecodeError("decode: malformed profile: string_table[0] must be ''");
  }
  const str = (v: Int64): string => {
    const i = num(v);
    if (i < 0 || i >= strings.length || !Number.isInteger(i)) {
      throw new ProfileDecodeError(`decode: malformed profile format: string index ${i} out of range (table has ${strings.length})`);
    }
    return strings[i];
  };
  const vt = (v: { type?: Int64; unit?: Int64 }): ValueType => ({ type: str(v.type), unit: str(v.unit) });
  return {
    sampleTypes: (pb.sampleType ?? []).map(vt),
    samples: (pb.sample ?? []).map((s): Sample => ({
      locationIds: (s.locationId ?? []).map(num),
      values: (s.value ?? []).map(num),
      labels: (s.label ?? []).map((l) => toLabel(l, str)),
    })),
    mappings: (pb.mapping ?? []).map((m): Mapping => ({
      id: num(m.id), memoryStart: num(m.memoryStart), memoryLimit: num(m.memoryLimit),
      fileOffset: num(m.fileOffset), filename: str(m.filename), buildId: str(m.buildId),
      hasFunctions: !!m.hasFunctions, hasFilenames: !!m.hasFilenames,
      hasLineNumbers: !!m.hasLineNumbers, hasInlineFrames: !!m.hasInlineFrames,
    })),
    locations: (pb.location ?? []).map((l): Location => ({
      id: num(l.id), mappingId: num(l.mappingId), address: num(l.address),
      lines: (l.line ?? []).map((ln) => ({ functionId: num(ln.functionId), line: num(ln.line), column: num(ln.column) })),
      isFolded: !!l.isFolded,
    })),
    functions: (pb.function ?? []).map((f): PprofFunction => ({
      id: num(f.id), name: str(f.name), systemName: str(f.systemName), filename: str(f.filename), startLine: num(f.startLine),
    })),
    dropFrames: str(pb.dropFrames),
    keepFrames: str(pb.keepFrames),
    timeNanos: bigNum(pb.timeNanos),
    durationNanos: num(pb.durationNanos),
    periodType: pb.periodType ? vt(pb.periodType) : undefined,
    period: num(pb.period),
    comments: (pb.comment ?? []).map(str),
    defaultSampleType: str(pb.defaultSampleType),
    docUrl: str(pb.docUrl),
  };
}

/**
 * Mirrors pprof's reading: a label is a string label when `str` is set, numeric when `num` or its
 * unit is. A label with its key only is what the encoder writes for an empty string value (Go's
 * goroutine profile keeps `pprof.Labels("k", "")` so): it reads back as `str: ''`.
 */
function toLabel(l: { key?: Int64; str?: Int64; num?: Int64; numUnit?: Int64 }, str: (v: Int64) => string): Label {
  const label: Label = { key: str(l.key) };
  if (num(l.str) !== 0 || (num(l.num) === 0 && num(l.numUnit) === 0)) label.str = str(l.str);
  else {
    label.num = num(l.num);
    const unit = str(l.numUnit);
    if (unit) label.numUnit = unit;
  }
  return label;
}

/** int64/uint64 fields arrive as numbers or, when the `long` package is present, as Long objects. */
function num(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function bigNum(v: Int64): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
}
