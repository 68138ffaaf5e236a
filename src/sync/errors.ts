/**
 * Errors thrown by otelprof's async lock primitives. Messages keep Go's `sync` wording; the
 * `code` is stable so callers can branch on it.
 */
import { OtelprofError } from '../errors';

/**
 * Releasing a lock that is not held: Go's `fatal error: sync: unlock of unlocked mutex` and its
 * siblings. Thrown synchronously by `unlock()`, `rUnlock()` and `release()`; the lock is unchanged.
 */
export class UnlockOfUnlockedError extends OtelprofError {
  constructor(message: string) {
    super('PPROF_ERR_UNLOCK_OF_UNLOCKED', message);
  }
}
