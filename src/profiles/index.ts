/**
 * Go's runtime/pprof API: the profile registry and custom profiles, the six built-ins (heap,
 * allocs, goroutine, threadcreate, block, mutex), CPU profiles and the runtime rate setters.
 * The block and mutex profiles (and their setters) load on first use (see lazy-exports.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { lazyExports } from '../lazy-exports';
import type * as BuiltinBlock from './builtin-block';
import type * as BuiltinMutex from './builtin-mutex';
export { Profile } from './profile';
export { profiles, lookup, newProfile } from './registry';
export { startCPUProfile, stopCPUProfile, cpuProfileRunning } from './cpu';
export type { StartCPUProfileOptions } from './cpu';
export { writeHeapProfile } from './write-heap';
export { enableLabelSampleContexts, armLabelSampleContexts } from './label-contexts';
export {
  EmptyProfileNameError, DuplicateProfileError, DuplicateValueError, BuiltinProfileAddError,
  UninitializedProfileError, ProfileNotAvailableError, CpuProfilingInUseError,
} from './errors';

export declare const setBlockProfileRate: typeof BuiltinBlock.setBlockProfileRate;
lazyExports(exports, () => require('./builtin-block') as typeof BuiltinBlock, ['setBlockProfileRate']);
export declare const setMutexProfileFraction: typeof BuiltinMutex.setMutexProfileFraction;
lazyExports(exports, () => require('./builtin-mutex') as typeof BuiltinMutex, ['setMutexProfileFraction']);
