/**
 * The pprof box: the in-memory profile model, a builder, protobuf encode/decode (gzip or raw),
 * merge/delta/scale, Go's legacy `debug=1` text writers, synthetic addresses and the clock.
 * Decoding, merging and the text writers load on first use (see lazy-exports.ts): continuous
 * profiling only builds, encodes and compresses.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { lazyExports } from '../lazy-exports';
import type * as Decode from './decode';
import type * as TextCount from './text-count';
import type * as Merge from './merge';
import type * as TextHeap from './text-heap';
import type * as TextContention from './text-contention';
import type * as MemStats from './mem-stats';
import type * as GoQuote from './go-quote';
export type { Label, Line, Location, Mapping, Profile, PprofFunction, Sample, StackFrame, ValueType } from './model';
export { ProfileBuilder } from './builder';
export type { ProfileBuilderOptions } from './builder';
export { encode } from './encode';
export { gzip, encodeGzip, isGzip, GZIP_LEVEL, MAX_GUNZIP_BYTES } from './gzip';
export { ProfileDecodeError, IncompatibleProfilesError } from './errors';
export { SyntheticAddresses, syntheticAddresses } from './synthetic-addresses';
export { displayName } from './frame-names';
export { nowNanos } from './clock';
export type { HeapTextOptions } from './text-heap';
export type { ContentionTextOptions } from './text-contention';
export type { GoMemStats } from './mem-stats';
export { SLICE_MILLIS, TimeSlice, yieldToEventLoop } from './yield';

export declare const decode: typeof Decode.decode;
lazyExports(exports, () => require('./decode') as typeof Decode, ['decode']);
export declare const writeCountText: typeof TextCount.writeCountText;
export declare const labelString: typeof TextCount.labelString;
lazyExports(exports, () => require('./text-count') as typeof TextCount, ['writeCountText', 'labelString']);
export declare const merge: typeof Merge.merge;
export declare const delta: typeof Merge.delta;
export declare const scale: typeof Merge.scale;
lazyExports(exports, () => require('./merge') as typeof Merge, ['merge', 'delta', 'scale']);
export declare const writeHeapText: typeof TextHeap.writeHeapText;
export declare const unscaleHeapSample: typeof TextHeap.unscaleHeapSample;
lazyExports(exports, () => require('./text-heap') as typeof TextHeap, ['writeHeapText', 'unscaleHeapSample']);
export declare const writeContentionText: typeof TextContention.writeContentionText;
lazyExports(exports, () => require('./text-contention') as typeof TextContention, ['writeContentionText']);
export declare const readNodeMemStats: typeof MemStats.readNodeMemStats;
lazyExports(exports, () => require('./mem-stats') as typeof MemStats, ['readNodeMemStats']);
export declare const escapeNonPrintable: typeof GoQuote.escapeNonPrintable;
lazyExports(exports, () => require('./go-quote') as typeof GoQuote, ['escapeNonPrintable']);
