/**
 * Background work (the warm-ups) that runs once per process however many copies of otelprof are
 * loaded: the flag is a `Symbol.for` key on globalThis, which benchmarks also set to leave it out.
 */

/**
 * Starts `work` once per process for `key`, deferred by `defer` to a later event-loop turn (which
 * does not keep the process alive). Never throws; a rejection is dropped (the work is optional).
 */
export function startOncePerProcess(key: symbol, defer: (run: () => void) => { unref(): unknown }, work: () => Promise<unknown>): void {
  const g = globalThis as { [k: symbol]: unknown };
  if (g[key] === true) return;
  g[key] = true;
  defer(() => {
    work().catch(() => undefined);
  }).unref();
}
