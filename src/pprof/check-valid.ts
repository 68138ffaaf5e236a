import { ProfileDecodeError } from './errors';
import type { Location, Profile, Sample } from './model';

/**
 * Refuses a decoded profile that Go's `profile.Parse` refuses (google/pprof `CheckValid`, after
 * ids are resolved): samples whose value count differs from the sample types, ids that point at
 * nothing, and ids that are 0 or repeat within their table. Messages start with Go's wording,
 * then say which value broke which rule. Checks run in Go's order, so both name the same fault
 * first. A location's unknown mapping id is not an error: Go reads it as "no mapping".
 */
export function checkValid(p: Profile): void {
  checkSampleTypes(p);
  const locationIds = new Set(p.locations.map((l) => l.id));
  p.samples.forEach((s, i) => checkSample(s, i, p.sampleTypes.length, locationIds));
  uniqueIds('mapping', 'ID', p.mappings);
  const functionIds = uniqueIds('function', 'ID', p.functions);
  uniqueIds('location', 'id', p.locations);
  for (const l of p.locations) checkLines(l, functionIds);
}

function malformed(goMessage: string, why: string): ProfileDecodeError {
  return new ProfileDecodeError(`decode: malformed profile: ${goMessage} (${why})`);
}

function checkSampleTypes(p: Profile): void {
  const n = p.samples.length;
  if (p.sampleTypes.length === 0 && n > 0) {
    const what = n === 1 ? '1 sample but no sample_type to say what its values are' : `${n} samples but no sample_type to say what their values are`;
    throw malformed('missing sample type information', what);
  }
}

function checkSample(s: Sample, index: number, types: number, locationIds: ReadonlySet<number>): void {
  if (s.values.length !== types) {
    throw malformed(`mismatch: sample has ${s.values.length} values vs. ${types} types`, `sample ${index}: a sample needs one value per sample type`);
  }
  for (const id of s.locationIds) {
    if (!locationIds.has(id)) {
      throw malformed('sample has nil location', `sample ${index} refers to location id ${id}, which is not in the location table`);
    }
  }
}

/**
 * The ids of one table, refusing 0 (reserved: fields use it for "none") and repeats (a reference
 * would be ambiguous). `idWord` keeps Go's spelling, which differs between tables.
 */
function uniqueIds(table: string, idWord: string, rows: ReadonlyArray<{ id: number }>): Set<number> {
  const ids = new Set<number>();
  for (const { id } of rows) {
    if (id === 0) throw malformed(`found ${table} with reserved ${idWord}=0`, `${table} ids must be non-zero: 0 means "no ${table}"`);
    if (ids.has(id)) throw malformed(`multiple ${table}s with same id: ${id}`, `${table} ids must be unique`);
    ids.add(id);
  }
  return ids;
}

/** Every line must name a function in the table; id 0 names none, which Go refuses too. */
function checkLines(l: Location, functionIds: ReadonlySet<number>): void {
  l.lines.forEach((ln, i) => {
    if (!functionIds.has(ln.functionId)) {
      throw malformed(`location id: ${l.id} has a line with nil function`, `line ${i} refers to function id ${ln.functionId}, which is not in the function table`);
    }
  });
}
