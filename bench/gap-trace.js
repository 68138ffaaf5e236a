/**
 * Diagnostic for bench/overhead-app.js (TRACE_GAPS=1): which collection step, GC or nothing at
 * all lines up with the longest event-loop gaps of the first collection window. A 1 ms interval
 * records every gap over 3 ms; `mark(name)` timestamps the steps; at exit the six longest gaps of
 * the window are printed to stderr with the marks and GC pauses that overlap them, after the
 * first mark's time since process start (`t0`, to line up with V8's `--trace-*` output). Off (and
 * free) unless TRACE_GAPS is set, since its timer would change what the benchmark measures.
 */
'use strict';
const { PerformanceObserver, performance } = require('node:perf_hooks');

function gapTrace(windowMillis) {
  if (!process.env.TRACE_GAPS) return { mark() {} };
  const marks = [];
  const gcs = [];
  const gaps = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([e.startTime, e.duration, e.detail?.kind]);
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 3) gaps.push([last, now - last]);
    last = now;
  }, 1).unref();
  process.on('exit', () => {
    if (marks.length === 0) return;
    const t0 = marks[0][0];
    const rel = (m, from) => (m - from).toFixed(1);
    process.stderr.write(`t0 ${t0.toFixed(1)} marks: ${marks.filter(([m]) => m <= t0 + windowMillis).map(([m, n]) => `${n}@${rel(m, t0)}`).join(' ')}\n`);
    const longest = gaps.filter(([t]) => t >= t0 - 5 && t <= t0 + windowMillis).sort((a, b) => b[1] - a[1]).slice(0, 6);
    for (const [t, g] of longest) {
      const near = marks.filter(([m]) => m >= t - 0.5 && m <= t + g + 0.5).map(([m, n]) => `${n}@${rel(m, t)}`);
      for (const [s, d, kind] of gcs) if (s + d >= t && s <= t + g) near.push(`gc(kind ${kind}, ${d.toFixed(1)} ms)@${rel(s, t)}`);
      process.stderr.write(`gap ${g.toFixed(1)} ms at +${rel(t, t0)}: ${near.join(' ')}\n`);
    }
  });
  return { mark: (name) => marks.push([performance.now(), name]) };
}

module.exports = { gapTrace };
