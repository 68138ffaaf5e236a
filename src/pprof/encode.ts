import { ProtoWriter as Writer } from './proto-writer';
import type { Label, Line, Location, Mapping, Profile, PprofFunction, Sample, ValueType } from './model';
import * as t from './wire-tags';

const { fieldKey, wireBytes: LEN, wireVarint: VARINT } = t;
const TWO_32 = 4294967296;

/**
 * Assigns string table indices on first use; index 0 is always `""` (pprof requires it).
 * The table is written last, as Go does, so every index is known by then.
 */
class StringTable {
  readonly strings: string[] = [''];
  private readonly _index = new Map<string, number>([['', 0]]);

  of(s: string): number {
    let i = this._index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this._index.set(s, i);
    }
    return i;
  }
}

/**
 * Encodes a profile as an uncompressed `perftools.profiles.Profile` protobuf message.
 * Zero-valued scalar fields are omitted (proto3 defaults); repeated numbers are written packed;
 * the string table is deduplicated and starts with `""`. Non-integer values are rounded.
 * Synchronous and CPU-bound: see `encodeGzip` for the full pipeline.
 */
export function encode(p: Profile): Uint8Array {
  const w = new Writer(initialSize(p));
  const st = new StringTable();
  for (const vt of p.sampleTypes) writeValueType(w, t.tagProfile_SampleType, vt, st);
  for (const s of p.samples) writeSample(w, s, st);
  for (const m of p.mappings) writeMapping(w, m, st);
  for (const l of p.locations) writeLocation(w, l);
  for (const f of p.functions) writeFunction(w, f, st);
  writeHeader(w, p, st);
  const key = fieldKey(t.tagProfile_StringTable, LEN);
  for (const s of st.strings) w.uint32(key).string(s);
  return w.finish();
}

function writeHeader(w: Writer, p: Profile, st: StringTable): void {
  varintOpt(w, t.tagProfile_DropFrames, p.dropFrames ? st.of(p.dropFrames) : 0);
  varintOpt(w, t.tagProfile_KeepFrames, p.keepFrames ? st.of(p.keepFrames) : 0);
  if (p.timeNanos !== 0n) w.uint32(fieldKey(t.tagProfile_TimeNanos, VARINT)).bigint(p.timeNanos);
  varintOpt(w, t.tagProfile_DurationNanos, p.durationNanos);
  if (p.periodType) writeValueType(w, t.tagProfile_PeriodType, p.periodType, st);
  varintOpt(w, t.tagProfile_Period, p.period);
  if (p.comments.length > 0) {
    w.uint32(fieldKey(t.tagProfile_Comment, LEN)).packed(p.comments.map((c) => st.of(c)));
  }
  varintOpt(w, t.tagProfile_DefaultSampleType, p.defaultSampleType ? st.of(p.defaultSampleType) : 0);
  varintOpt(w, t.tagProfile_DocUrl, p.docUrl ? st.of(p.docUrl) : 0);
}

function writeValueType(w: Writer, tag: number, vt: ValueType, st: StringTable): void {
  w.uint32(fieldKey(tag, LEN)).fork();
  varintOpt(w, t.tagValueType_Type, st.of(vt.type));
  varintOpt(w, t.tagValueType_Unit, st.of(vt.unit));
  w.ldelim();
}

const KEY_SAMPLE = fieldKey(t.tagProfile_Sample, LEN);
const KEY_SAMPLE_LOCATION = fieldKey(t.tagSample_Location, LEN);
const KEY_SAMPLE_VALUE = fieldKey(t.tagSample_Value, LEN);
const KEY_SAMPLE_LABEL = fieldKey(t.tagSample_Label, LEN);

function writeSample(w: Writer, s: Sample, st: StringTable): void {
  w.uint32(KEY_SAMPLE).fork();
  if (s.locationIds.length > 0) w.uint32(KEY_SAMPLE_LOCATION).packed(s.locationIds);
  if (s.values.length > 0) {
    w.uint32(KEY_SAMPLE_VALUE);
    if (allIntegers(s.values)) w.packed(s.values);
    else w.packed(s.values.map(Math.round));
  }
  for (const l of s.labels) writeLabel(w, l, st);
  w.ldelim();
}

/** True when every value is an integer (the common case: no rounded copy is needed). */
function allIntegers(values: readonly number[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== Math.floor(v)) return false;
  }
  return true;
}

/** A first guess at the encoded size, so the buffer rarely grows: ~24 bytes per record. */
function initialSize(p: Profile): number {
  return Math.max(4096, 24 * (p.samples.length + p.locations.length + p.functions.length));
}

function writeLabel(w: Writer, l: Label, st: StringTable): void {
  w.uint32(KEY_SAMPLE_LABEL).fork();
  varintOpt(w, t.tagLabel_Key, st.of(l.key));
  if (l.str !== undefined) varintOpt(w, t.tagLabel_Str, st.of(l.str));
  if (l.num !== undefined) varintOpt(w, t.tagLabel_Num, l.num);
  if (l.numUnit) varintOpt(w, t.tagLabel_NumUnit, st.of(l.numUnit));
  w.ldelim();
}

function writeMapping(w: Writer, m: Mapping, st: StringTable): void {
  w.uint32(fieldKey(t.tagProfile_Mapping, LEN)).fork();
  varintOpt(w, t.tagMapping_ID, m.id);
  varintOpt(w, t.tagMapping_Start, m.memoryStart);
  varintOpt(w, t.tagMapping_Limit, m.memoryLimit);
  varintOpt(w, t.tagMapping_Offset, m.fileOffset);
  varintOpt(w, t.tagMapping_Filename, m.filename ? st.of(m.filename) : 0);
  varintOpt(w, t.tagMapping_BuildID, m.buildId ? st.of(m.buildId) : 0);
  boolOpt(w, t.tagMapping_HasFunctions, m.hasFunctions);
  boolOpt(w, t.tagMapping_HasFilenames, m.hasFilenames);
  boolOpt(w, t.tagMapping_HasLineNumbers, m.hasLineNumbers);
  boolOpt(w, t.tagMapping_HasInlineFrames, m.hasInlineFrames);
  w.ldelim();
}

const KEY_LOCATION = fieldKey(t.tagProfile_Location, LEN);
const KEY_LOCATION_LINE = fieldKey(t.tagLocation_Line, LEN);

function writeLocation(w: Writer, l: Location): void {
  w.uint32(KEY_LOCATION).fork();
  varintOpt(w, t.tagLocation_ID, l.id);
  varintOpt(w, t.tagLocation_MappingID, l.mappingId);
  varintOpt(w, t.tagLocation_Address, l.address);
  for (const line of l.lines) writeLine(w, line);
  boolOpt(w, t.tagLocation_IsFolded, l.isFolded);
  w.ldelim();
}

function writeLine(w: Writer, line: Line): void {
  w.uint32(KEY_LOCATION_LINE).fork();
  varintOpt(w, t.tagLine_FunctionID, line.functionId);
  varintOpt(w, t.tagLine_Line, line.line);
  varintOpt(w, t.tagLine_Column, line.column);
  w.ldelim();
}

const KEY_FUNCTION = fieldKey(t.tagProfile_Function, LEN);

function writeFunction(w: Writer, f: PprofFunction, st: StringTable): void {
  w.uint32(KEY_FUNCTION).fork();
  varintOpt(w, t.tagFunction_ID, f.id);
  varintOpt(w, t.tagFunction_Name, f.name ? st.of(f.name) : 0);
  varintOpt(w, t.tagFunction_SystemName, f.systemName ? st.of(f.systemName) : 0);
  varintOpt(w, t.tagFunction_Filename, f.filename ? st.of(f.filename) : 0);
  varintOpt(w, t.tagFunction_StartLine, f.startLine);
  w.ldelim();
}

/** Writes a varint field unless it is 0 (Go's `int64Opt`/`uint64Opt`). Negative values take 10 bytes. */
function varintOpt(w: Writer, field: number, v: number): void {
  if (v === 0 || v === undefined) return;
  w.uint32(field << 3);
  if (v > 0 && v < TWO_32 && v === Math.floor(v)) w.uint32(v);
  else w.int64(Math.round(v));
}

function boolOpt(w: Writer, field: number, v: boolean): void {
  if (v) w.uint32(field << 3).uint32(1);
}
