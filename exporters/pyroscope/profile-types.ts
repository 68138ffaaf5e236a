/**
 * otelprof profile types -> Grafana Pyroscope names and profile type IDs. The single source of
 * truth for the exporters, the deploy files (Grafana datasource defaults) and the tests.
 *
 * A Pyroscope profile type ID is `<__name__>:<sample type>:<sample unit>:<period type>:<period unit>`;
 * Pyroscope stores one series per sample type of an upload (reference: pyroscope-ingest.md §4.3).
 */
import type { Profile, ValueType } from '../../src/pprof/model';

/** The otelprof built-in profile types. */
export type BuiltinProfileType = 'cpu' | 'wall' | 'heap' | 'allocs' | 'goroutine' | 'threadcreate' | 'block' | 'mutex';

/** How one otelprof type appears in Pyroscope. */
export interface PyroscopeProfileType {
  /** The `__name__` series label. */
  readonly name: string;
  /** Sample types otelprof writes for this type, in order. */
  readonly sampleTypes: readonly ValueType[];
  /** The period type otelprof writes. */
  readonly periodType: ValueType;
  /** The profile type IDs Grafana queries, one per sample type. */
  readonly profileTypeIds: readonly string[];
}

function entry(name: string, sampleTypes: ValueType[], periodType: ValueType): PyroscopeProfileType {
  return Object.freeze({
    name,
    sampleTypes: Object.freeze(sampleTypes.map((v) => Object.freeze(v))),
    periodType: Object.freeze(periodType),
    profileTypeIds: Object.freeze(sampleTypes.map((st) => profileTypeId(name, st, periodType))),
  });
}

/**
 * The built-in types, as in DESIGN.md's table. For example `cpu` gives
 * `process_cpu:cpu:nanoseconds:cpu:nanoseconds` (Grafana's default CPU view) and
 * `process_cpu:samples:count:cpu:nanoseconds`.
 */
export const PYROSCOPE_PROFILE_TYPES: Readonly<Record<BuiltinProfileType, PyroscopeProfileType>> = Object.freeze({
  cpu: entry('process_cpu', [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }], { type: 'cpu', unit: 'nanoseconds' }),
  wall: entry('wall', [{ type: 'samples', unit: 'count' }, { type: 'wall', unit: 'nanoseconds' }], { type: 'wall', unit: 'nanoseconds' }),
  heap: entry('memory', [{ type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' }], { type: 'space', unit: 'bytes' }),
  allocs: entry('memory', [{ type: 'alloc_objects', unit: 'count' }, { type: 'alloc_space', unit: 'bytes' }], { type: 'space', unit: 'bytes' }),
  goroutine: entry('goroutines', [{ type: 'goroutine', unit: 'count' }], { type: 'goroutine', unit: 'count' }),
  threadcreate: entry('threadcreate', [{ type: 'threadcreate', unit: 'count' }], { type: 'threadcreate', unit: 'count' }),
  block: entry('block', [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }], { type: 'contentions', unit: 'count' }),
  mutex: entry('mutex', [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }], { type: 'contentions', unit: 'count' }),
});

/** The CPU profile type ID Grafana's Pyroscope views use by default. */
export const CPU_PROFILE_TYPE_ID = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';

/** Whether `type` is one of the eight built-in types. */
export function isBuiltinProfileType(type: string): type is BuiltinProfileType {
  return Object.prototype.hasOwnProperty.call(PYROSCOPE_PROFILE_TYPES, type);
}

/**
 * The `__name__` Pyroscope stores an otelprof type under: the table's name for built-ins, the
 * profile's own name for custom profiles (Go's `newProfile` names, e.g. `my.pkg/open-files`).
 */
export function pyroscopeName(type: string): string {
  return isBuiltinProfileType(type) ? PYROSCOPE_PROFILE_TYPES[type].name : type;
}

/** `<name>:<type>:<unit>:<period type>:<period unit>`; the last two are empty without a period type. */
export function profileTypeId(name: string, sampleType: ValueType, periodType: ValueType | undefined): string {
  return `${name}:${sampleType.type}:${sampleType.unit}:${periodType?.type ?? ''}:${periodType?.unit ?? ''}`;
}

/** The IDs Pyroscope derives from an actual profile uploaded under `name`, one per sample type. */
export function profileTypeIdsOf(name: string, profile: Pick<Profile, 'sampleTypes' | 'periodType'>): string[] {
  return profile.sampleTypes.map((st) => profileTypeId(name, st, profile.periodType));
}
