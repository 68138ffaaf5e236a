import { ProtoWriter } from '../../src/pprof/proto-writer';
import { wireBytes as LEN } from '../../src/pprof/wire-tags';
import type { Profile } from '../../src/pprof/model';
import { InvalidArgumentError } from '../../src/errors';
import type { ProfileBatch, TypedProfile } from '../types';
import type { LabelSanitizer } from './labels';
import { randomProfileId } from './profile-id';
import { pyroscopeName } from './profile-types';

/** A profile ready to send: its final series labels and a profile Pyroscope will accept. */
export interface PreparedProfile {
  type: string;
  /** The `__name__` label. */
  name: string;
  /** Final series labels, `__name__` and `service_name` included. */
  labels: Map<string, string>;
  profile: Profile;
}

/** Labels the server adds itself on `/ingest`; they count against the limit but are not sent. */
const INGEST_SERVER_LABELS = ['__name__', '__delta__', 'pyroscope_spy', 'service_name'];

/**
 * Applies Pyroscope's rules to one profile of a batch. Throws `InvalidArgumentError` when the
 * profile cannot be sent at all (no type name, no sample types).
 */
export function prepareProfile(tp: TypedProfile, seriesLabels: Record<string, string>, route: 'push' | 'ingest', sanitizer: LabelSanitizer): PreparedProfile {
  if (typeof tp.type !== 'string' || tp.type.length === 0) throw new InvalidArgumentError(`profile type must be a non-empty string (actual: ${JSON.stringify(tp.type)})`);
  if (!tp.profile || !Array.isArray(tp.profile.sampleTypes) || tp.profile.sampleTypes.length === 0) {
    throw new InvalidArgumentError(`${tp.type} profile has no sample types (Pyroscope rejects it as "empty profile")`);
  }
  const name = sanitizer.value('__name__', pyroscopeName(tp.type));
  const fixed: Array<[string, string]> = [['__name__', name], ['__delta__', 'false']];
  if (route === 'ingest') fixed.push(['pyroscope_spy', 'nodespy']);
  const labels = sanitizer.series(fixed, seriesLabels);
  const profile = sanitizer.samples(fixSampleTypes(tp.profile), labels);
  return { type: tp.type, name, labels, profile };
}

/** Pyroscope rejects sample type names containing `-` ("sample type contains -"): use `_`. */
function fixSampleTypes(p: Profile): Profile {
  if (!p.sampleTypes.some((st) => st.type.includes('-'))) return p;
  return { ...p, sampleTypes: p.sampleTypes.map((st) => ({ ...st, type: st.type.replace(/-/g, '_') })) };
}

// Field numbers of proto/pyroscope-push.proto and pyroscope-types.proto (checked against the
// schema by test/exporters/pyroscope-proto.test.ts).
const PUSH_SERIES = 1; // PushRequest.series
const SERIES_LABELS = 1; // RawProfileSeries.labels
const SERIES_SAMPLES = 2; // RawProfileSeries.samples
const LABEL_NAME = 1; // LabelPair.name
const LABEL_VALUE = 2; // LabelPair.value
const SAMPLE_RAW_PROFILE = 1; // RawSample.raw_profile
const SAMPLE_ID = 2; // RawSample.ID

/**
 * The protobuf body of one Push call: one series per profile, labels sorted by name. Written with
 * the pprof encoder's writer, so an upload does not load protobufjs.
 */
export function encodePushRequest(profiles: ReadonlyArray<{ labels: Map<string, string>; raw: Uint8Array }>): Uint8Array {
  const w = new ProtoWriter(profiles.reduce((n, p) => n + p.raw.length + 64 * (p.labels.size + 1), 64));
  for (const p of profiles) {
    w.key(PUSH_SERIES, LEN).fork();
    const labels = [...p.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, value] of labels) {
      w.key(SERIES_LABELS, LEN).fork();
      if (name !== '') w.key(LABEL_NAME, LEN).string(name);
      if (value !== '') w.key(LABEL_VALUE, LEN).string(value);
      w.ldelim();
    }
    w.key(SERIES_SAMPLES, LEN).fork();
    if (p.raw.length > 0) w.key(SAMPLE_RAW_PROFILE, LEN).bytes(p.raw);
    // The ID only appears in server logs; a fresh UUID per profile identifies retries there.
    w.key(SAMPLE_ID, LEN).string(randomProfileId());
    w.ldelim();
    w.ldelim();
  }
  return w.finish();
}

/** A label value in the `/ingest` name: no `,` or `}` (they end it); the server trims spaces. */
function ingestValue(v: string): string {
  return v.replace(/[,}]/g, '_').trim();
}

/**
 * The path and query of one `/ingest` upload: `name=<service>{k=v,...}` (escaped to the
 * `/ingest` name grammar), `from`/`until` in epoch nanoseconds, `format=pprof`, `spyName=nodespy`.
 */
export function ingestPath(p: Pick<PreparedProfile, 'labels'>, batch: Pick<ProfileBatch, 'startNanos' | 'endNanos'>): string {
  // App names allow [A-Za-z0-9_.\-/]; keys [A-Za-z0-9_.]; values anything but ',' and '}'.
  const service = p.labels.get('service_name') ?? '';
  const app = service.replace(/[^A-Za-z0-9_.\-/]/g, '_') || 'unknown_service';
  const pairs: string[] = [];
  // The server's service_name is the app name unless {} has one: a value holds more characters
  // (`unknown_service:node`), so the series gets the name the push route stores.
  const serviceValue = ingestValue(service);
  if (serviceValue !== '' && serviceValue !== app) pairs.push(`service_name=${serviceValue}`);
  // An escaped key must not take a server label's name (`service-name` would replace service_name).
  const seen = new Set<string>(INGEST_SERVER_LABELS);
  for (const [k, v] of p.labels) {
    const key = k.replace(/[^A-Za-z0-9_.]/g, '_');
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push(`${key}=${ingestValue(v)}`);
  }
  const q = new URLSearchParams({
    name: `${app}{${pairs.join(',')}}`,
    from: String(batch.startNanos),
    until: String(batch.endNanos),
    format: 'pprof',
    spyName: 'nodespy',
  });
  return `/ingest?${q.toString()}`;
}
