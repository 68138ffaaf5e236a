/**
 * Cheap, exact capture of the running JS stack, Go-style (`runtime.Callers`).
 *
 * V8 gives structured `CallSite` objects to `Error.prepareStackTrace`; reading them is much cheaper
 * than formatting and re-parsing `err.stack`, and their line/column numbers are already 1-based.
 * The previous `prepareStackTrace` and `stackTraceLimit` are always restored, so source-map support,
 * test runners and user hooks keep working.
 */
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors';
import type { StackFrame } from '../pprof/model';

/** Go's `runtime/pprof` records this single frame when `skip` leaves no frame at all. */
export const LOST_PROFILE_EVENT = 'lostProfileEvent';

/** Go's `Profile.Add` keeps at most 32 PCs; the same default depth applies here. */
export const DEFAULT_MAX_STACK_DEPTH = 32;

interface CallSiteLike {
  getFunctionName(): string | null;
  getFileName(): string | null | undefined;
  getScriptNameOrSourceURL?(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

const returnCallSites = (_err: Error, callSites: CallSiteLike[]): CallSiteLike[] => callSites;

/**
 * Returns the JS stack of the code that called `captureStack`, leaf first.
 *
 * `skip = 0` starts at the function that called `captureStack`; each extra unit drops one more
 * caller frame, like the `skip` of Go's `runtime.Caller`. At most `maxDepth` frames are kept
 * (default 32, Go's limit). When `skip` is larger than the stack, the result is Go's single
 * `lostProfileEvent` frame, never an empty array. Frames keep V8's function name (`''` for
 * anonymous functions), the file with any `file://` prefix turned into a path, and 1-based
 * line and column numbers (0 when V8 does not know them, e.g. for native built-ins).
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `skip` is not a non-negative integer
 *   or `maxDepth` is not a positive integer.
 */
export function captureStack(skip: number, maxDepth: number = DEFAULT_MAX_STACK_DEPTH): StackFrame[] {
  if (!Number.isInteger(skip) || skip < 0) {
    throw new InvalidArgumentError(`skip must be a non-negative integer (got ${String(skip)})`);
  }
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new InvalidArgumentError(`maxDepth must be a positive integer (got ${String(maxDepth)})`);
  }
  const sites = callSitesAbove(captureStack, skip + maxDepth);
  const frames: StackFrame[] = [];
  for (let i = skip; i < sites.length && frames.length < maxDepth; i++) frames.push(toFrame(sites[i]));
  if (frames.length === 0) frames.push({ functionName: LOST_PROFILE_EVENT, fileName: '', line: 0, column: 0 });
  return frames;
}

/** CallSites of the callers of `below` (which is itself excluded), at most `limit`. */
function callSitesAbove(below: Function, limit: number): CallSiteLike[] {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = returnCallSites as typeof Error.prepareStackTrace;
    Error.stackTraceLimit = limit;
    Error.captureStackTrace(holder, below);
    // V8 runs prepareStackTrace lazily, on first access: read it while our hook is installed.
    const sites = holder.stack;
    return Array.isArray(sites) ? (sites as CallSiteLike[]) : [];
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
}

function toFrame(site: CallSiteLike): StackFrame {
  const file = site.getFileName() ?? site.getScriptNameOrSourceURL?.() ?? '';
  return {
    functionName: site.getFunctionName() ?? '',
    fileName: stripFileUrl(file),
    line: site.getLineNumber() ?? 0,
    column: site.getColumnNumber() ?? 0,
  };
}

function stripFileUrl(file: string): string {
  if (!file.startsWith('file://')) return file;
  try {
    return fileURLToPath(file);
  } catch {
    // A malformed URL still reads better without its scheme than not at all.
    return file.slice('file://'.length);
  }
}
