/**
 * Interning of V8 frames into `StackFrame`s: the same function at the same position becomes one
 * shared object, so windows with thousands of samples hold one copy of each frame.
 */
import type { StackFrame } from '../pprof/model';

const MAX_FRAMES = 50_000;
const frames = new Map<string, StackFrame>();

/**
 * Returns the shared frame for a V8 call frame. Lines and columns are 1-based (0 = unknown).
 * `file://` URLs become paths, as `go tool pprof` and source maps expect.
 */
export function internFrame(functionName: string, url: string, line: number, column: number): StackFrame {
  const fileName = url.startsWith('file://') ? decodedPath(url.slice(7)) : url;
  const key = `${functionName}\u0000${fileName}\u0000${line}\u0000${column}`;
  let f = frames.get(key);
  if (f === undefined) {
    // A bound on the table: code that generates functions endlessly (eval) must not grow it forever.
    if (frames.size >= MAX_FRAMES) frames.clear();
    f = Object.freeze({ functionName, fileName, line, column });
    frames.set(key, f);
  }
  return f;
}

/** Builds a leaf-first stack from a root-first path of frames. */
export function leafFirst(rootFirst: readonly StackFrame[]): StackFrame[] {
  const out = new Array<StackFrame>(rootFirst.length);
  for (let i = 0; i < rootFirst.length; i++) out[i] = rootFirst[rootFirst.length - 1 - i];
  return out;
}

/** Percent-decodes a file URL's path; a malformed escape (a `vm` script's own name) is kept as written. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
