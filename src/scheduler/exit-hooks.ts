/**
 * Flushing the last window when a zero-code-profiled app ends: on `beforeExit` (the loop ran
 * dry: a normal exit), and on SIGTERM/SIGINT only when the app has no handler of its own. Then
 * the process dies of the same signal, exactly as it would have without otelprof. When the app
 * handles the signal itself, its handler decides; if it lets the loop run dry, `beforeExit` flushes.
 */
import type { ContinuousProfiler } from './start-profiling';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installs the hooks for `profiler`. `process.exit()` cannot be hooked asynchronously: it loses the last window. */
export function installExitHooks(profiler: Pick<ContinuousProfiler, 'shutdown'>): void {
  const onBeforeExit = (): void => {
    process.off('beforeExit', onBeforeExit);
    // shutdown() keeps the loop alive while it writes/uploads (bounded by its deadline).
    void profiler.shutdown();
  };
  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // Another listener is the app's: it owns the signal's behaviour.
      if (process.listenerCount(signal) > 1) return;
      // Removed first, so a second signal during the flush kills at once (the default).
      process.off(signal, onSignal);
      process.off('beforeExit', onBeforeExit);
      void profiler.shutdown().finally(() => process.kill(process.pid, signal));
    };
    process.on(signal, onSignal);
  }
}
