/**
 * Creation stacks as users want to read them: the stack captured inside a hook starts with the
 * hook, Node's internals (`node:timers`, `node:net`, ...) and otelprof's own frames; the first
 * frame worth showing is the user code that made the resource. Shared by the goroutine,
 * threadcreate and mutex collectors.
 */
import type { StackFrame } from '../pprof/model';
import { captureStack } from './capture-stack';

/** Frames captured before trimming: internal frames count against the depth, so take more. */
const CAPTURE_DEPTH = 64;

/** Go keeps at most 32 frames per record. */
const KEEP_DEPTH = 32;

/**
 * Captures the caller's stack and drops its leading frames that are Node internals (`node:` or
 * `internal/` files) or whose file starts with one of `ownDirs`. If that would drop every frame
 * (a resource Node made on its own, e.g. an accepted socket), only the `ownDirs` frames are
 * dropped, as Go prints all frames when hiding runtime frames would leave none.
 */
export function captureUserStack(ownDirs: readonly string[]): StackFrame[] {
  const all = captureStack(1, CAPTURE_DEPTH);
  let own = 0;
  while (own < all.length && isOwn(all[own], ownDirs)) own++;
  let first = own;
  while (first < all.length && (isNodeInternal(all[first]) || isOwn(all[first], ownDirs))) first++;
  const start = first < all.length ? first : own;
  return all.slice(start, start + KEEP_DEPTH);
}

function isNodeInternal(f: StackFrame): boolean {
  return f.fileName.startsWith('node:') || f.fileName.startsWith('internal/') || f.fileName === '';
}

function isOwn(f: StackFrame, ownDirs: readonly string[]): boolean {
  for (const d of ownDirs) if (f.fileName.startsWith(d)) return true;
  return false;
}
