import { openCpuWindow } from '../../src/sampler';

/**
 * A CPU burner for tests that profile a live server in this process: `fn` runs in `sliceMs`
 * slices from setImmediate, so the server keeps answering. The CPU sampler is started first and
 * kept running (one window held open), as continuous profiling does: V8 only keeps what it needs
 * to show inlined frames for code optimized while its profiler runs, so a burner optimized before
 * the first profile would show under its caller (see the README's known limits). `warm()`
 * resolves once `fn` has run `calls` times.
 */
export interface BurnLoop {
  warm(calls?: number): Promise<void>;
  stop(): void;
}

export function startBurnLoop(fn: (ms: number) => number, sliceMs: number): BurnLoop {
  const window = openCpuWindow();
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
      if (!window.closed) window.close();
    },
  };
}
