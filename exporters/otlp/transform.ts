/**
 * pprof model -> OTLP Profiles (v1development). Follows the collector's pprof translator recipe:
 * one OTLP `Profile` per pprof sample type, each sample holding that type's single value (the
 * "single aggregated value" shape Pyroscope requires), one dictionary for the whole request.
 * Sample labels `span_id`/`trace_id` become a `Link`; every other label becomes an attribute.
 */
import type { Label, Profile, Sample } from '../../src/pprof/model';
import type { ProfileBatch } from '../types';
import { DictionaryBuilder, SPAN_ID_BYTES, TRACE_ID_BYTES, type LineRef } from './dictionary';
import { resourceAttributes, type ResourceAttributeValue } from './resource';
import type { OtlpExportRequest, OtlpKeyValue, OtlpProfile, OtlpSample } from './types';

/** Label keys that become the sample's `Link` instead of attributes. */
export const SPAN_ID_LABEL = 'span_id';
export const TRACE_ID_LABEL = 'trace_id';

const SPAN_ID_RE = new RegExp(`^[0-9a-fA-F]{${2 * SPAN_ID_BYTES}}$`);
const TRACE_ID_RE = new RegExp(`^[0-9a-fA-F]{${2 * TRACE_ID_BYTES}}$`);
const ZERO_TRACE_ID = '0'.repeat(2 * TRACE_ID_BYTES);

/** What the transform needs besides the batch. */
export interface TransformOptions {
  /** Resource attributes set in code; they win over those derived from the batch's series labels. */
  resourceAttributes?: Readonly<Record<string, ResourceAttributeValue>>;
  /** Instrumentation scope written on the profiles. Default `{ name: 'otelprof' }`. */
  scope?: { name: string; version?: string };
}

/** What the transform dropped, for logs and tests. */
export interface TransformStats {
  /** OTLP profiles written (one per pprof sample type with at least one non-zero value). */
  profiles: number;
  /** Labels dropped: a repeated key on one sample (OTLP keys must be unique), or a malformed span/trace id. */
  droppedLabels: number;
}

/** Per-pprof-profile caches: pprof ids -> dictionary indices. */
interface ProfileIndex {
  locations: Map<number, number>;
}

/**
 * Builds the `ExportProfilesServiceRequest` for one batch. Never mutates the batch. Samples whose
 * value for a sample type is 0 are left out of that type's OTLP profile; a pprof profile without
 * a period type gets `{type: <otelprof type>, unit: <sample unit>}` with period 1, because
 * Pyroscope names a series after the period type and rejects an empty name.
 */
export function batchToOtlp(batch: ProfileBatch, options: TransformOptions = {}): { request: OtlpExportRequest; stats: TransformStats } {
  const dict = new DictionaryBuilder();
  const stats: TransformStats = { profiles: 0, droppedLabels: 0 };
  const profiles: OtlpProfile[] = [];
  for (const typed of batch.profiles) {
    profiles.push(...profileToOtlp(dict, typed.type, typed.profile, batch, stats));
  }
  stats.profiles = profiles.length;
  const attributes: OtlpKeyValue[] = resourceAttributes(batch.seriesLabels, options.resourceAttributes);
  const scope = options.scope ?? { name: 'otelprof' };
  const request: OtlpExportRequest = {
    resourceProfiles: [{ resource: { attributes }, scopeProfiles: [{ scope: { name: scope.name, version: scope.version ?? '' }, profiles }] }],
    dictionary: dict.build(),
  };
  return { request, stats };
}

function profileToOtlp(dict: DictionaryBuilder, type: string, p: Profile, batch: ProfileBatch, stats: TransformStats): OtlpProfile[] {
  const index = indexProfile(dict, p);
  // Stack, link and attributes are shared by all sample types of a pprof sample: compute once.
  const refs = p.samples.map((s) => sampleRefs(dict, index, s, stats));
  const timeNanos = p.timeNanos > 0n ? p.timeNanos : batch.startNanos;
  const durationNanos = p.durationNanos > 0 ? p.durationNanos : Number(batch.endNanos - batch.startNanos);
  const out: OtlpProfile[] = [];
  p.sampleTypes.forEach((st, i) => {
    const samples = mergeSamples(p.samples, refs, i);
    if (samples.length === 0) return;
    const periodType = p.periodType ?? { type, unit: st.unit };
    out.push({
      sampleType: { typeStrindex: dict.stringIndex(st.type), unitStrindex: dict.stringIndex(st.unit) },
      samples,
      // fixed64 nanoseconds exceed 2^53: pass a Long-compatible string so no precision is lost.
      timeUnixNano: timeNanos.toString() as unknown as number,
      durationNano: Math.max(0, durationNanos),
      periodType: { typeStrindex: dict.stringIndex(periodType.type), unitStrindex: dict.stringIndex(periodType.unit) },
      period: p.periodType ? p.period : 1,
      attributeIndices: p.comments.length > 0 ? [dict.attributeIndex('pprof.profile.comment', p.comments.join('\n'))] : [],
    });
  });
  return out;
}

/** Interns every location (with its function and mapping) of `p`. */
function indexProfile(dict: DictionaryBuilder, p: Profile): ProfileIndex {
  const functions = new Map<number, number>();
  for (const f of p.functions) functions.set(f.id, dict.functionIndex(f.name, f.systemName, f.filename, f.startLine));
  const mappings = new Map<number, number>();
  for (const m of p.mappings) mappings.set(m.id, dict.mappingIndex(m.memoryStart, m.memoryLimit, m.fileOffset, m.filename));
  const locations = new Map<number, number>();
  for (const loc of p.locations) {
    const lines: LineRef[] = loc.lines.map((l) => ({ functionIndex: functions.get(l.functionId) ?? 0, line: l.line, column: l.column }));
    locations.set(loc.id, dict.locationIndex(mappings.get(loc.mappingId) ?? 0, loc.address, lines));
  }
  return { locations };
}

interface SampleRefs {
  stackIndex: number;
  attributeIndices: number[];
  linkIndex: number;
  key: string;
}

function sampleRefs(dict: DictionaryBuilder, index: ProfileIndex, s: Sample, stats: TransformStats): SampleRefs {
  const stackIndex = dict.stackIndex(s.locationIds.map((id) => index.locations.get(id) ?? 0));
  const { attributeIndices, linkIndex } = labelRefs(dict, s.labels, stats);
  const sorted = attributeIndices.slice().sort((a, b) => a - b);
  return { stackIndex, attributeIndices, linkIndex, key: `${stackIndex}|${linkIndex}|${sorted.join(',')}` };
}

/** Labels -> attribute indices (first value of a key wins) and a link index (0 = none). */
function labelRefs(dict: DictionaryBuilder, labels: readonly Label[], stats: TransformStats): { attributeIndices: number[]; linkIndex: number } {
  let spanId: string | undefined;
  let traceId: string | undefined;
  const seen = new Set<string>();
  const attributeIndices: number[] = [];
  for (const l of labels) {
    if (l.key === SPAN_ID_LABEL || l.key === TRACE_ID_LABEL) {
      const re = l.key === SPAN_ID_LABEL ? SPAN_ID_RE : TRACE_ID_RE;
      if (typeof l.str !== 'string' || !re.test(l.str) || seen.has(l.key)) stats.droppedLabels++;
      else if (l.key === SPAN_ID_LABEL) spanId = l.str;
      else traceId = l.str;
      seen.add(l.key);
      continue;
    }
    if (seen.has(l.key)) {
      stats.droppedLabels++;
      continue;
    }
    seen.add(l.key);
    if (l.str !== undefined) attributeIndices.push(dict.attributeIndex(l.key, l.str));
    else if (l.num !== undefined) attributeIndices.push(dict.attributeIndex(l.key, l.num, l.numUnit ?? ''));
  }
  // A link needs a span; a trace id alone identifies no span, so it is not linked.
  if (spanId === undefined) {
    if (traceId !== undefined) stats.droppedLabels++;
    return { attributeIndices, linkIndex: 0 };
  }
  return { attributeIndices, linkIndex: dict.linkIndex(traceId ?? ZERO_TRACE_ID, spanId) };
}

/** The samples of sample type `i`: non-zero values only, equal identities summed. */
function mergeSamples(samples: readonly Sample[], refs: readonly SampleRefs[], i: number): OtlpSample[] {
  const byKey = new Map<string, OtlpSample & { values: number[] }>();
  const out: Array<OtlpSample & { values: number[] }> = [];
  samples.forEach((s, j) => {
    const v = s.values[i] ?? 0;
    if (v === 0) return;
    const r = refs[j];
    const prev = byKey.get(r.key);
    if (prev) {
      prev.values[0] += v;
      return;
    }
    const sample = { stackIndex: r.stackIndex, attributeIndices: r.attributeIndices, linkIndex: r.linkIndex, values: [v] };
    byKey.set(r.key, sample);
    out.push(sample);
  });
  return out;
}
