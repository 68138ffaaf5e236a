/**
 * The in-memory pprof model: the shape of `perftools.profiles.Profile` with strings resolved
 * (no string table: the encoder builds it, the decoder resolves it). Every part of otelprof that
 * produces or consumes a profile uses these types; only `encode`/`decode` see the wire format.
 */

/** A sample or period type, e.g. `{ type: 'cpu', unit: 'nanoseconds' }`. */
export interface ValueType {
  type: string;
  unit: string;
}

/** A sample label: a string label (`str`) or a numeric one (`num`, optional `numUnit`). */
export interface Label {
  key: string;
  str?: string;
  num?: number;
  numUnit?: string;
}

export interface Sample {
  /** Location ids, leaf first. */
  locationIds: number[];
  /** One value per sample type, in the same order. */
  values: number[];
  labels: Label[];
}

export interface Line {
  functionId: number;
  /** 1-based source line; 0 when unknown. */
  line: number;
  /** 1-based source column; 0 when unknown. */
  column: number;
}

export interface Location {
  /** Non-zero, unique. */
  id: number;
  /** 0 when there is no mapping. */
  mappingId: number;
  /** Synthetic address (see `SyntheticAddresses`), so legacy text and `/symbol` can refer to it. */
  address: number;
  /** Inlined callee first, caller last (V8 gives one line per location). */
  lines: Line[];
  isFolded: boolean;
}

export interface PprofFunction {
  /** Non-zero, unique. */
  id: number;
  name: string;
  systemName: string;
  filename: string;
  startLine: number;
}

export interface Mapping {
  id: number;
  memoryStart: number;
  memoryLimit: number;
  fileOffset: number;
  filename: string;
  buildId: string;
  hasFunctions: boolean;
  hasFilenames: boolean;
  hasLineNumbers: boolean;
  hasInlineFrames: boolean;
}

export interface Profile {
  sampleTypes: ValueType[];
  samples: Sample[];
  mappings: Mapping[];
  locations: Location[];
  functions: PprofFunction[];
  dropFrames: string;
  keepFrames: string;
  /** Wall-clock start of the profile, nanoseconds since the Unix epoch. */
  timeNanos: bigint;
  /** Length of the window this profile covers, nanoseconds (0 for point-in-time snapshots). */
  durationNanos: number;
  periodType: ValueType | undefined;
  period: number;
  comments: string[];
  /** A sample type name, or '' (tools then use the last sample type). */
  defaultSampleType: string;
  docUrl: string;
}

/** One frame of a captured stack, as the samplers and `Profile.add` report it. */
export interface StackFrame {
  /** Function name; '' is written as `(anonymous)`. */
  functionName: string;
  /** File name or URL ('' when unknown). */
  fileName: string;
  /** 1-based line, 0 when unknown. */
  line: number;
  /** 1-based column, 0 when unknown. */
  column: number;
  /**
   * 1-based line where the function starts, when the sampler knows it (V8 call frames do);
   * 0 or absent when unknown. Part of the function's identity in the builder.
   */
  startLine?: number;
}
