/**
 * The pprof box: the in-memory profile model, a builder, protobuf encode/decode (gzip or raw),
 * merge/delta/scale, Go's legacy `debug=1` text writers, synthetic addresses and the clock.
 */
export type { Label, Line, Location, Mapping, Profile, PprofFunction, Sample, StackFrame, ValueType } from './model';
export { ProfileBuilder } from './builder';
export type { ProfileBuilderOptions } from './builder';
export { encode } from './encode';
export { gzip, encodeGzip, isGzip, GZIP_LEVEL, MAX_GUNZIP_BYTES } from './gzip';
export { decode } from './decode';
export { ProfileDecodeError, IncompatibleProfilesError } from './errors';
export { writeCountText, labelString } from './text-count';
export { SyntheticAddresses, syntheticAddresses } from './synthetic-addresses';
export { displayName } from './frame-names';
export { nowNanos } from './clock';
export { merge, delta, scale } from './merge';
export { writeHeapText, unscaleHeapSample } from './text-heap';
export type { HeapTextOptions } from './text-heap';
export { writeContentionText } from './text-contention';
export type { ContentionTextOptions } from './text-contention';
export { readNodeMemStats } from './mem-stats';
export type { GoMemStats } from './mem-stats';
export { SLICE_MILLIS, TimeSlice, yieldToEventLoop } from './yield';
export { escapeNonPrintable } from './go-quote';
