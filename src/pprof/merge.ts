import { InvalidArgumentError } from '../errors';
import { IncompatibleProfilesError } from './errors';
import type { Label, Location, Mapping, Profile, PprofFunction, Sample, ValueType } from './model';
import { labelIdentity } from './builder';

/**
 * Merges profiles into one, following google/pprof `profile.Merge`: all must have the same
 * period type and sample types (else `IncompatibleProfilesError`, `PPROF_ERR_INCOMPATIBLE_PROFILES`);
 * functions, locations and mappings are unified by content; samples with the same stack and
 * labels (label order irrelevant) are summed; samples whose values are all zero are dropped.
 * Header: earliest non-zero `timeNanos`, summed `durationNanos`, largest `period`, comments
 * deduplicated, first non-empty `defaultSampleType`. Inputs are not modified.
 * Throws `InvalidArgumentError` for an empty list.
 */
export function merge(ps: readonly Profile[]): Profile {
  if (!Array.isArray(ps) || ps.length === 0) throw new InvalidArgumentError('merge: no profiles to merge');
  for (const p of ps.slice(1)) checkCompatible(ps[0], p);
  const m = new Merger(header(ps));
  for (const p of ps) m.add(p);
  return m.result();
}

/**
 * The difference `after - before`, as Go's `/debug/pprof/<name>?seconds=N` computes it: `before`
 * is negated, both are merged by stack and labels, all-zero samples are dropped (values may be
 * negative, e.g. in-use memory that was freed), `timeNanos` is `after`'s and `durationNanos` is
 * `after.timeNanos - before.timeNanos`. Throws `IncompatibleProfilesError` when the sample or
 * period types differ.
 */
export function delta(before: Profile, after: Profile): Profile {
  checkCompatible(before, after);
  const d = merge([scale(before, -1), after]);
  d.timeNanos = after.timeNanos;
  d.durationNanos = Math.max(0, Number(after.timeNanos - before.timeNanos));
  d.defaultSampleType = after.defaultSampleType;
  return d;
}

/**
 * A copy of `p` with every sample value multiplied by `factor` and rounded half away from zero
 * (Go's `ScaleN`); samples that become all zero are dropped (none are when `factor` is 1).
 * Throws `InvalidArgumentError` when `factor` is not a finite number.
 */
export function scale(p: Profile, factor: number): Profile {
  if (typeof factor !== 'number' || !Number.isFinite(factor)) {
    throw new InvalidArgumentError(`scale: factor must be a finite number (got ${String(factor)})`);
  }
  const samples: Sample[] = [];
  for (const s of p.samples) {
    const values = factor === 1 ? s.values.slice() : s.values.map((v) => roundHalfAway(v * factor));
    if (factor !== 1 && values.every((v) => v === 0)) continue;
    samples.push({ locationIds: s.locationIds.slice(), values, labels: s.labels.map((l) => ({ ...l })) });
  }
  return { ...p, samples };
}

function roundHalfAway(x: number): number {
  // `+ 0` turns -0 into 0.
  return (x < 0 ? -Math.round(-x) : Math.round(x)) + 0;
}

function vtString(v: ValueType | undefined): string {
  return v ? `${v.type}/${v.unit}` : 'none';
}

function checkCompatible(a: Profile, b: Profile): void {
  if (vtString(a.periodType) !== vtString(b.periodType)) {
    throw new IncompatibleProfilesError(`incompatible period types ${vtString(a.periodType)} and ${vtString(b.periodType)}`);
  }
  const as = a.sampleTypes.map(vtString).join(' ');
  const bs = b.sampleTypes.map(vtString).join(' ');
  if (as !== bs) throw new IncompatibleProfilesError(`incompatible sample types [${as}] and [${bs}]`);
}

function header(ps: readonly Profile[]): Profile {
  const first = ps[0];
  const nonZero = ps.map((p) => p.timeNanos).filter((t) => t !== 0n);
  return {
    sampleTypes: first.sampleTypes.map((v) => ({ ...v })),
    samples: [], mappings: [], locations: [], functions: [],
    dropFrames: first.dropFrames, keepFrames: first.keepFrames,
    timeNanos: nonZero.length ? nonZero.reduce((a, b) => (b < a ? b : a)) : 0n,
    durationNanos: ps.reduce((d, p) => d + p.durationNanos, 0),
    periodType: first.periodType ? { ...first.periodType } : undefined,
    period: ps.reduce((m, p) => Math.max(m, p.period), 0),
    comments: [...new Set(ps.flatMap((p) => p.comments))],
    defaultSampleType: ps.find((p) => p.defaultSampleType)?.defaultSampleType ?? '',
    docUrl: ps.find((p) => p.docUrl)?.docUrl ?? '',
  };
}

/** Unifies ids across profiles by content (google/pprof merge.go's key maps). */
class Merger {
  private readonly _fns = new Map<string, number>();
  private readonly _maps = new Map<string, number>();
  private readonly _locs = new Map<string, number>();
  private readonly _samples = new Map<string, Sample>();
  private readonly _out: Profile;

  constructor(out: Profile) {
    this._out = out;
  }

  add(p: Profile): void {
    const fnIds = new Map<number, number>();
    for (const f of p.functions) fnIds.set(f.id, this._function(f));
    const mapIds = new Map<number, number>();
    for (const m of p.mappings) mapIds.set(m.id, this._mapping(m));
    const locIds = new Map<number, number>();
    for (const l of p.locations) locIds.set(l.id, this._location(l, fnIds, mapIds));
    for (const s of p.samples) {
      if (s.values.every((v) => v === 0)) continue;
      const ids = s.locationIds.map((id) => locIds.get(id) ?? 0);
      const labels = s.labels.map((l) => ({ ...l })).sort(compareLabels);
      const key = `${ids.join(',')}|${labels.map(labelIdentity).join('')}`;
      const known = this._samples.get(key);
      if (known) known.values.forEach((v, i) => { known.values[i] = v + (s.values[i] ?? 0); });
      else this._samples.set(key, { locationIds: ids, values: s.values.slice(), labels });
    }
  }

  result(): Profile {
    this._out.samples = [...this._samples.values()].filter((s) => s.values.some((v) => v !== 0));
    return this._out;
  }

  private _function(f: PprofFunction): number {
    return intern(this._fns, `${f.name}\0${f.systemName}\0${f.filename}\0${f.startLine}`, (id) => this._out.functions.push({ ...f, id }));
  }

  private _mapping(m: Mapping): number {
    const key = `${m.memoryStart}\0${m.memoryLimit}\0${m.fileOffset}\0${m.filename}\0${m.buildId}`;
    return intern(this._maps, key, (id) => this._out.mappings.push({ ...m, id }));
  }

  private _location(l: Location, fnIds: Map<number, number>, mapIds: Map<number, number>): number {
    const mappingId = mapIds.get(l.mappingId) ?? 0;
    const lines = l.lines.map((ln) => ({ functionId: fnIds.get(ln.functionId) ?? 0, line: ln.line, column: ln.column }));
    const key = `${mappingId}\0${l.address}\0${l.isFolded}\0${lines.map((ln) => `${ln.functionId}:${ln.line}:${ln.column}`).join(',')}`;
    return intern(this._locs, key, (id) => this._out.locations.push({ id, mappingId, address: l.address, lines, isFolded: l.isFolded }));
  }
}

/** Id of `key`, allocating the next id (1-based) and calling `create` on first sight. */
function intern(ids: Map<string, number>, key: string, create: (id: number) => void): number {
  let id = ids.get(key);
  if (id === undefined) {
    id = ids.size + 1;
    ids.set(key, id);
    create(id);
  }
  return id;
}

/** Order of labels within a sample: by key, then value (the identity only decides equality). */
function compareLabels(a: Label, b: Label): number {
  const ak = labelOrderKey(a);
  const bk = labelOrderKey(b);
  return ak < bk ? -1 : ak > bk ? 1 : 0;
}

function labelOrderKey(l: Label): string {
  return l.str !== undefined ? `${l.key}\0s${l.str}` : `${l.key}\0n${l.num}\0${l.numUnit ?? ''}`;
}
