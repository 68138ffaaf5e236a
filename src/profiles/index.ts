/**
 * Go's runtime/pprof API: the profile registry and custom profiles, the six built-ins (heap,
 * allocs, goroutine, threadcreate, block, mutex), CPU profiles and the runtime rate setters.
 */
export { Profile } from './profile';
export { profiles, lookup, newProfile } from './registry';
export { startCPUProfile, stopCPUProfile, cpuProfileRunning } from './cpu';
export type { StartCPUProfileOptions } from './cpu';
export { writeHeapProfile } from './write-heap';
export { setBlockProfileRate } from './builtin-block';
export { setMutexProfileFraction } from './builtin-mutex';
export { enableLabelSampleContexts, armLabelSampleContexts } from './label-contexts';
export {
  EmptyProfileNameError, DuplicateProfileError, DuplicateValueError, BuiltinProfileAddError,
  UninitializedProfileError, ProfileNotAvailableError, CpuProfilingInUseError,
} from './errors';
