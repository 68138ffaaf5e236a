/**
 * A CPU burner for tests that profile a live server in this process: `fn` runs in `sliceMs`
 * slices from setImmediate, so the server keeps answering. `warm()` resolves once `fn` has run
 * often enough for V8 to have optimized it: a V8 CPU profile that starts while optimized code is
 * being installed can miss that code's frames for the whole profile (seen under load on both
 * Node 20 and 24: the caller then shows as the leaf).
 */
export interface BurnLoop {
  warm(calls?: number): Promise<void>;
  stop(): void;
}

export function startBurnLoop(fn: (ms: number) => number, sliceMs: number): BurnLoop {
  let on = true;
  let calls = 0;
  function burnLoop(): void {
    if (!on) return;
    fn(sliceMs);
    calls++;
    setImmediate(burnLoop);
  }
  burnLoop();
  return {
    async warm(wanted = 60) {
      const deadline = Date.now() + 60_000;
      while (calls < wanted) {
        if (Date.now() > deadline) throw new Error(`burn loop ran ${calls} of ${wanted} slices in 60 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop() {
      on = false;
    },
  };
}
