import type { StackFrame } from './model';

/**
 * The name a frame is written under. Anonymous functions (V8 reports '') become
 * `(anonymous:<file base name>:<line>)`, using the function's start line when known and the
 * frame's line otherwise, so two anonymous callbacks in one file stay apart in `pprof -top`;
 * `(anonymous)` when there is no file either.
 */
export function displayName(frame: StackFrame): string {
  if (frame.functionName) return frame.functionName;
  if (!frame.fileName) return '(anonymous)';
  const line = frame.startLine || frame.line;
  const base = baseName(frame.fileName);
  return line ? `(anonymous:${base}:${line})` : `(anonymous:${base})`;
}

function baseName(file: string): string {
  const q = file.search(/[?#]/);
  const path = q >= 0 ? file.slice(0, q) : file;
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash >= 0 && slash < path.length - 1 ? path.slice(slash + 1) : path;
}
