/**
 * Interning of V8 frames into `StackFrame`s: the same function at the same position becomes one
 * shared object, so windows with thousands of samples hold one copy of each frame.
 */
import type { StackFrame } from '../pprof/model';

const MAX_FRAMES = 50_000;
/**
 * Script name -> function name -> position -> frame. Every read of V8's profiles interns each node
 * of its tree (thousands where stacks are deep), on the event loop: nested maps find a known frame
 * without building a key string, and a `file://` name is decoded only when a frame is new
 * (measured on 2,660 nodes of a 40-deep tree: 0.1-0.3 ms, against 0.6-2.4 ms with a joined key
 * and a decode per node; bench/RESULTS.md, twenty-eighth pass).
 */
const frames = new Map<string, Map<string, Map<number | string, StackFrame>>>();
let frameCount = 0;

/**
 * Returns the shared frame for a V8 call frame. Lines and columns are 1-based (0 = unknown).
 * `file://` URLs become paths, as `go tool pprof` and source maps expect.
 */
export function internFrame(functionName: string, url: string, line: number, column: number): StackFrame {
  let byName = frames.get(url);
  if (byName === undefined) {
    byName = new Map();
    frames.set(url, byName);
  }
  let byPosition = byName.get(functionName);
  if (byPosition === undefined) {
    byPosition = new Map();
    byName.set(functionName, byPosition);
  }
  const position = positionKey(line, column);
  let f = byPosition.get(position);
  if (f === undefined) {
    // A bound on the table: code that generates functions endlessly (eval) must not grow it forever.
    if (frameCount >= MAX_FRAMES) {
      frames.clear();
      frameCount = 0;
      return internFrame(functionName, url, line, column);
    }
    const fileName = url.startsWith('file://') ? decodedPath(url.slice(7)) : url;
    f = Object.freeze({ functionName, fileName, line, column });
    byPosition.set(position, f);
    frameCount++;
  }
  return f;
}

/**
 * V8 script id -> position -> frame. A script id names one script for the isolate's life (ids are
 * never reused), and a position in it one function, so a frame known by id and position needs no
 * names: reading the native addon's `name` and `scriptName` makes V8 internalize both strings for
 * every node of every tree read.
 */
const byScript = new Map<number, Map<number | string, StackFrame>>();
let byScriptCount = 0;

/** The frame interned for this script id and position, if any (ids are positive; 0 is no script). */
export function knownScriptFrame(scriptId: number, line: number, column: number): StackFrame | undefined {
  return byScript.get(scriptId)?.get(positionKey(line, column));
}

/** {@link internFrame}, remembered under the script id for {@link knownScriptFrame}. */
export function internScriptFrame(scriptId: number, functionName: string, url: string, line: number, column: number): StackFrame {
  const f = internFrame(functionName, url, line, column);
  // Bounded like the frame table: a process that loads scripts endlessly (vm, eval) starts over.
  if (byScriptCount >= MAX_FRAMES) {
    byScript.clear();
    byScriptCount = 0;
  }
  let byPosition = byScript.get(scriptId);
  if (byPosition === undefined) {
    byPosition = new Map();
    byScript.set(scriptId, byPosition);
  }
  byPosition.set(positionKey(line, column), f);
  byScriptCount++;
  return f;
}

/** One number while it is exact (lines below 2^21, columns below 2^32), else a string. */
function positionKey(line: number, column: number): number | string {
  return line < 0x200000 && column < 0x100000000 ? line * 0x100000000 + column : `${line}:${column}`;
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
