/**
 * Preloaded (`--require`) into the demo's example service: if the `otelprof demo` process that
 * started it dies without stopping it (SIGKILL, a crash), the service is re-parented, and this
 * stops it with SIGTERM so otelprof still writes its last window and no orphan is left behind.
 */
const parentPid = process.ppid;
const timer = setInterval(() => {
  if (process.ppid === parentPid) return;
  clearInterval(timer);
  process.kill(process.pid, 'SIGTERM');
}, 500);
timer.unref();

export {};
