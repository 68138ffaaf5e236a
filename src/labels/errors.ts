/**
 * Coded errors of the labels box. Messages keep Go's `runtime/pprof` wording.
 */
import { OtelprofError } from '../errors';

/** Thrown by `labels(k, v, ...)` given an odd number of arguments (Go panics with the same text). */
export class UnevenLabelsError extends OtelprofError {
  constructor() {
    super('PPROF_ERR_UNEVEN_LABELS', 'uneven number of arguments to pprof.Labels');
  }
}
