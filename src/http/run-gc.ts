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
      // node:v8 and node:vm load only when a client asks: most processes never do.
      (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
      gc = (require('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
    }
  }
  gc();
}
