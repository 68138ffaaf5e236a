import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection for `heap?gc=1`, as Go's handler calls runtime.GC(). Node only
 * exposes `gc` with --expose-gc, so the flag is set at run time and the function taken from a fresh
 * context; this touches V8 flags only when a client asks for it.
 */
export function runGc(): void {
  if (!gc) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (typeof existing === 'function') {
      gc = existing;
    } else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}
