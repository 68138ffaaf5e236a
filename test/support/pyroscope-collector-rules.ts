/**
 * Grafana Pyroscope's ingest rules, as the loopback test collector applies them (reference:
 * /work/shared/reference/pyroscope-ingest.md §2-§5). Pure functions over a pprof decoded by the
 * independent `pprof-format` package; no otelprof code is used here.
 */
import { gunzipSync } from 'node:zlib';
import { Profile as PprofFormatProfile } from 'pprof-format';

/** Pyroscope's defaults (limits.go), overridable per collector. */
export interface CollectorLimits {
  maxLabelNamesPerSeries: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  maxProfileSizeBytes: number;
  maxSamples: number;
  maxSampleLabels: number;
  ingestionBurstBytes: number;
  rejectOlderThanNanos: bigint;
  rejectNewerThanNanos: bigint;
  /** `validation.disable_label_sanitization=false` (pre-2.0): legacy label names only. */
  legacyLabelNames: boolean;
}

export const DEFAULT_LIMITS: CollectorLimits = {
  maxLabelNamesPerSeries: 30,
  maxLabelNameLength: 1024,
  maxLabelValueLength: 2048,
  maxProfileSizeBytes: 4 << 20,
  maxSamples: 16000,
  maxSampleLabels: 100,
  ingestionBurstBytes: 2 << 20,
  rejectOlderThanNanos: 3_600_000_000_000n,
  rejectNewerThanNanos: 600_000_000_000n,
  legacyLabelNames: false,
};

/** A rejection: HTTP status, Connect code and the message text Pyroscope would send. */
export class RuleError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const invalid = (msg: string): RuleError => new RuleError(400, 'invalid_argument', msg);

/** `{a="x", b="y"}` as Pyroscope prints label sets in messages. */
export function formatLabels(ls: ReadonlyArray<readonly [string, string]>): string {
  return `{${ls.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** A decoded raw profile and its uncompressed size. */
export interface DecodedProfile {
  profile: PprofFormatProfile;
  size: number;
}

/**
 * `RawFromBytesWithLimit`: gunzip when the gzip magic is present, cap the size, decode.
 * Errors carry the Push statuses (size 400, anything else 500 `unknown`).
 */
export function decodeRawProfile(raw: Uint8Array, limits: CollectorLimits): DecodedProfile {
  if (raw.length === 0) throw new RuleError(500, 'unknown', 'gzip reset: EOF');
  let bytes = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b && raw[2] === 0x08) {
    if (raw.length < 10) throw new RuleError(500, 'unknown', 'gzip reset: unexpected EOF');
    try {
      bytes = gunzipSync(raw, { maxOutputLength: limits.maxProfileSizeBytes + 1 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw invalid(`uncompressed profile payload size exceeds limit of ${(limits.maxProfileSizeBytes / 1e6).toFixed(1)} MB`);
      }
      throw new RuleError(500, 'unknown', `gzip: ${(err as Error).message}`);
    }
  }
  if (bytes.length > limits.maxProfileSizeBytes) {
    throw invalid(`uncompressed profile payload size exceeds limit of ${(limits.maxProfileSizeBytes / 1e6).toFixed(1)} MB`);
  }
  try {
    return { profile: PprofFormatProfile.decode(bytes), size: bytes.length };
  } catch (err) {
    throw new RuleError(500, 'unknown', `failed to unmarshal profile: ${(err as Error).message}`);
  }
}

/** `ValidateProfile` (§4.1), in upstream order. Throws a 400 `RuleError`. */
export function validateProfile(d: DecodedProfile, ls: ReadonlyArray<readonly [string, string]>, nowNanos: bigint, limits: CollectorLimits): void {
  const p = d.profile;
  const strings = p.stringTable.strings;
  const lstr = formatLabels(ls);
  if (p.sampleType.length === 0) throw invalid('empty profile');
  const t = BigInt(p.timeNanos);
  if (t > 0n && !(t > nowNanos - limits.rejectOlderThanNanos && t < nowNanos + limits.rejectNewerThanNanos)) {
    throw invalid(`profile with labels '${lstr}' is outside of ingestion window (profile timestamp: ${t}, the ingestion window starts at ${nowNanos - limits.rejectOlderThanNanos} and ends at ${nowNanos + limits.rejectNewerThanNanos})`);
  }
  if (d.size > limits.maxProfileSizeBytes) {
    throw invalid(`the profile with labels '${lstr}' exceeds the size limit (max_profile_size_byte, actual: ${d.size}, limit: ${limits.maxProfileSizeBytes})`);
  }
  if (p.sample.length > limits.maxSamples) {
    throw invalid(`profile with labels '${lstr}' exceeds the samples count limit: actual: ${p.sample.length}, max: ${limits.maxSamples}`);
  }
  for (const s of p.sample) {
    if (s.label.length > limits.maxSampleLabels) {
      throw invalid(`profile with labels '${lstr}' has ${s.label.length} sample labels; limit ${limits.maxSampleLabels}`);
    }
  }
  for (const l of p.location) if (Number(l.id) === 0) throw invalid('location id is 0');
  for (const f of p.function) if (Number(f.id) === 0) throw invalid('function id is 0');
  for (const s of p.sample) if (s.value.length !== p.sampleType.length) throw invalid('sample value length mismatch');
  if (strings.length === 0 || strings[0] !== '') throw invalid('string 0 should be empty string');
  const inRange = (i: number | bigint, what: string): void => {
    if (Number(i) < 0 || Number(i) >= strings.length) throw invalid(`${what} string index out of range`);
  };
  for (const st of p.sampleType) {
    inRange(st.type, 'sample type type');
    inRange(st.unit, 'sample type unit');
  }
  for (const s of p.sample) for (const l of s.label) {
    inRange(l.key, 'sample label key');
    inRange(l.str, 'sample label str');
  }
  for (const f of p.function) {
    inRange(f.name, 'function name');
    inRange(f.systemName, 'function system name');
    inRange(f.filename, 'function file name');
  }
  for (const m of p.mapping) {
    inRange(m.filename, 'mapping file name');
    inRange(m.buildId, 'mapping build id');
  }
  for (const st of p.sampleType) if (strings[Number(st.type)].includes('-')) throw invalid('sample type contains -');
}

/** One normalised sample: string labels only (numeric ones dropped), `profile_id` renamed `span_id`. */
export interface NormalSample {
  values: number[];
  locationIds: number[];
  labels: Map<string, string>;
}

/** `Normalize` (§4.2), reduced to what the tests observe: drops and label clean-up. */
export function normalizeSamples(p: PprofFormatProfile): NormalSample[] {
  const strings = p.stringTable.strings;
  const out: NormalSample[] = [];
  for (const s of p.sample) {
    const values = s.value.map(Number);
    if (values.some((v) => v < 0) || values.every((v) => v === 0)) continue;
    const labels = new Map<string, string>();
    for (const l of s.label) {
      if (Number(l.str) === 0) continue;
      const key = strings[Number(l.key)];
      labels.set(key === 'profile_id' ? 'span_id' : key, strings[Number(l.str)]);
    }
    out.push({ values, locationIds: s.locationId.map(Number), labels });
  }
  return out;
}

/** Sample labels kept per sample (never promoted to series labels). */
export const PER_SAMPLE_LABELS = new Set(['span_id', 'trace_id']);

/** Groups samples by their promoted labels (every string label but span/trace ids). */
export function splitBySampleLabels(samples: NormalSample[]): Map<string, { promoted: Array<[string, string]>; samples: NormalSample[] }> {
  const groups = new Map<string, { promoted: Array<[string, string]>; samples: NormalSample[] }>();
  for (const s of samples) {
    const promoted = [...s.labels].filter(([k]) => !PER_SAMPLE_LABELS.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
    const key = JSON.stringify(promoted);
    const g = groups.get(key) ?? { promoted, samples: [] };
    g.samples.push(s);
    groups.set(key, g);
  }
  return groups;
}

const LEGACY_NAME = /^[A-Za-z_.][A-Za-z0-9_.]*$/;

/**
 * `ValidateLabels` (§3.3) on a final label set; returns it sorted (and dot-sanitised in legacy
 * mode). Throws a 400 `RuleError` with Pyroscope's message.
 */
export function validateLabels(input: ReadonlyArray<readonly [string, string]>, limits: CollectorLimits): Array<[string, string]> {
  const ls = [...input].map(([k, v]) => [k, v] as [string, string]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lstr = formatLabels(ls);
  if (ls.length === 0) throw invalid('error at least one label pair is required per profile');
  if (ls.length > limits.maxLabelNamesPerSeries) {
    throw invalid(`profile series '${lstr}' has ${ls.length} label names; limit ${limits.maxLabelNamesPerSeries}`);
  }
  const name = ls.find(([k]) => k === '__name__');
  if (!name || name[1] === '') throw invalid(`invalid labels '${lstr}' with error: invalid metric name`);
  const svc = ls.find(([k]) => k === 'service_name');
  if (!svc || svc[1] === '') throw invalid(`invalid labels '${lstr}' with error: service name is not provided`);
  const out = new Map<string, string>();
  for (const [k, v] of ls) {
    if (Buffer.byteLength(k) > limits.maxLabelNameLength) throw invalid(`profile with labels '${lstr}' has label name too long: '${k}'`);
    if (Buffer.byteLength(v) > limits.maxLabelValueLength) throw invalid(`profile with labels '${lstr}' has label value too long: '${v}'`);
    let n = k;
    if (k.length === 0 || /[\uD800-\uDFFF]/.test(k)) throw invalid(`invalid labels '${lstr}' with error: invalid label name '${k}'`);
    if (limits.legacyLabelNames) {
      if (!LEGACY_NAME.test(k)) throw invalid(`invalid labels '${lstr}' with error: invalid label name '${k}'`);
      n = k.replace(/\./g, '_');
    }
    const prev = out.get(n);
    if (prev !== undefined) {
      if (prev === v && n !== k) continue;
      throw invalid(`profile with labels '${lstr}' has duplicate label name: '${n}'${n !== k ? ` after label name sanitization from '${k}'` : ''}`);
    }
    out.set(n, v);
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `<name>:<type>:<unit>:<period type>:<period unit>` for every sample type (§4.3). */
export function profileTypeIds(name: string, p: PprofFormatProfile): string[] {
  const s = p.stringTable.strings;
  const pt = p.periodType;
  const ptType = pt ? s[Number(pt.type)] ?? '' : '';
  const ptUnit = pt ? s[Number(pt.unit)] ?? '' : '';
  return p.sampleType.map((st) => `${name}:${s[Number(st.type)]}:${s[Number(st.unit)]}:${ptType}:${ptUnit}`);
}

/** The default `sample_type_config` display names that matter for `__name__` (og/storage/tree/pprof.go). */
const DEFAULT_DISPLAY: Record<string, string> = {
  samples: 'cpu',
  goroutine: 'goroutines',
  contentions: 'mutex_count',
  delay: 'mutex_duration',
};

/** `/ingest`'s derived `__name__` (§2.5 `metricName`). */
export function ingestMetricName(sampleTypes: string[]): string {
  if (sampleTypes.includes('wall')) return 'wall';
  for (const t of sampleTypes) {
    const d = DEFAULT_DISPLAY[t] ?? t;
    if (d.includes('cpu')) return 'process_cpu';
    if (d.includes('alloc_') || d.includes('inuse_') || d === 'space' || d === 'objects') return 'memory';
    if (d.includes('mutex_')) return 'mutex';
    if (d.includes('block_')) return 'block';
    if (d.includes('goroutines')) return 'goroutines';
  }
  return sampleTypes[sampleTypes.length - 1] ?? '';
}

/**
 * `labelset.Parse` of the `/ingest` `name` parameter (§2.2 with the corrections of §9.6).
 * Returns the app name and the `{}` labels; throws the 400 message (`name: ...`).
 */
export function parseIngestName(name: string): { app: string; labels: Map<string, string> } {
  const bad = (msg: string): RuleError => invalid(`name: ${msg}`);
  const brace = name.indexOf('{');
  const app = (brace < 0 ? name : name.slice(0, brace)).trim();
  const labels = new Map<string, string>();
  if (brace >= 0) {
    let i = brace + 1;
    for (;;) {
      const eq = name.indexOf('=', i);
      if (eq < 0) break; // a last key without '=' is dropped
      const key = name.slice(i, eq).trim();
      let end = eq + 1;
      while (end < name.length && name[end] !== ',' && name[end] !== '}') end++;
      if (end >= name.length) break; // unterminated last pair is dropped
      if (key.length === 0) throw bad('label name is required');
      if (key !== '__name__') {
        const c = [...key].find((ch) => !/[A-Za-z0-9_.]/.test(ch));
        if (c !== undefined) throw bad(`invalid label name: ${key}: character is not allowed: '${c}'`);
      }
      labels.set(key, name.slice(eq + 1, end).trim());
      i = end + 1;
    }
  }
  const appName = labels.get('__name__') ?? app;
  if (appName.length === 0) throw bad('service name is required');
  const c = [...appName].find((ch) => !/[A-Za-z0-9_.\-/]/.test(ch));
  if (c !== undefined) throw bad(`invalid service name: ${appName}: character is not allowed: '${c}'`);
  labels.delete('__name__');
  return { app: appName, labels };
}

/** `attime.Parse` for the digit forms (10 s, 13 ms, 16 µs, 19 ns); undefined for anything else (= now). */
export function parseAttime(v: string | null): bigint | undefined {
  if (v === null || !/^\d+$/.test(v)) return undefined;
  const n = BigInt(v);
  switch (v.length) {
    case 10: return n * 1_000_000_000n;
    case 13: return n * 1_000_000n;
    case 16: return n * 1_000n;
    case 19: return n;
    default: return undefined;
  }
}

/** Tenant ID rules (dskit): at most 150 of `A-Za-z0-9!-_.*'()`, not `.`/`..`. */
export function isValidTenant(t: string): boolean {
  return /^[A-Za-z0-9!\-_.*'()]{1,150}$/.test(t) && t !== '.' && t !== '..';
}
