/**
 * Errors of the Go API, with Go's exact messages (runtime/pprof panics and errors) and a stable
 * `code` each.
 */
import { OtelprofError } from '../errors';

/** `newProfile('')`. */
export class EmptyProfileNameError extends OtelprofError {
  constructor() {
    super('PPROF_ERR_EMPTY_PROFILE_NAME', 'pprof: NewProfile with empty name');
  }
}

/** `newProfile(name)` for a name already registered (built-ins included). */
export class DuplicateProfileError extends OtelprofError {
  constructor(readonly profileName: string) {
    super('PPROF_ERR_DUPLICATE_PROFILE', `pprof: NewProfile name already in use: ${profileName}`);
  }
}

/** `add(value)` for a value the profile already holds. */
export class DuplicateValueError extends OtelprofError {
  constructor() {
    super('PPROF_ERR_DUPLICATE_VALUE', 'pprof: Profile.Add of duplicate value');
  }
}

/** `add` on one of the six built-in profiles. */
export class BuiltinProfileAddError extends OtelprofError {
  constructor(readonly profileName: string) {
    super('PPROF_ERR_BUILTIN_ADD', `pprof: Add called on built-in Profile ${profileName}`);
  }
}

/** A `Profile` made with `new Profile()` instead of `newProfile(name)` (Go's zero `Profile{}`). */
export class UninitializedProfileError extends OtelprofError {
  constructor(message: 'pprof: use of uninitialized Profile' | 'pprof: use of zero Profile') {
    super('PPROF_ERR_UNINITIALIZED_PROFILE', message);
  }
}

/** A built-in profile whose data source cannot run in this process (says why). */
export class ProfileNotAvailableError extends OtelprofError {
  constructor(readonly profileName: string, reason: string) {
    super('PPROF_ERR_PROFILE_NOT_AVAILABLE', `pprof: profile ${profileName} is not available: ${reason}`);
  }
}

/** `startCPUProfile` while a CPU profile is being written. */
export class CpuProfilingInUseError extends OtelprofError {
  constructor() {
    super('PPROF_ERR_CPU_PROFILING_IN_USE', 'cpu profiling already in use');
  }
}
