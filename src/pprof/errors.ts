import { OtelprofError } from '../errors';

/** The bytes given to `decode` are not a pprof profile (garbage, truncated, or corrupt gzip). */
export class ProfileDecodeError extends OtelprofError {
  constructor(message: string) {
    super('PPROF_ERR_DECODE', message);
  }
}

/**
 * Two profiles cannot be merged or subtracted: their sample types or period types differ
 * (Go's `profile.Merge` rule, google/pprof merge.go `compatible`).
 */
export class IncompatibleProfilesError extends OtelprofError {
  constructor(message: string) {
    super('PPROF_ERR_INCOMPATIBLE_PROFILES', message);
  }
}
