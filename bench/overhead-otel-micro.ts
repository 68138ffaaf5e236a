/**
 * Micro-benchmark of otelprof's own per-context-switch work for span labels: the sample-context
 * source's `current(ctx)` (a context lookup plus a WeakMap lookup), on a context holding a sampled
 * child span of a local root. Reports ns per call and heap bytes allocated per call (measured with
 * GC disabled between two `heapUsed` readings; run with --expose-gc).
 *
 *   node --expose-gc -r ./bench/overhead-otel-register.js bench/overhead-otel-micro.ts
 */
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ProfilingSpanProcessor } from '../src/otel';
import { spanLabelsSource } from '../src/otel/span-labels-source';

const tracer = new BasicTracerProvider({ spanProcessors: [new ProfilingSpanProcessor()] }).getTracer('micro');
const root = tracer.startSpan('root');
const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
const ctx = trace.setSpan(trace.setSpan(ROOT_CONTEXT, root), child);
const N = 5_000_000;

function run(n: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (spanLabelsSource.current(ctx) !== undefined) hits++;
  return hits;
}

run(N); // warm up (JIT)
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heap0 = process.memoryUsage().heapUsed;
const t0 = process.hrtime.bigint();
const hits = run(N);
const ns = Number(process.hrtime.bigint() - t0) / N;
const bytes = (process.memoryUsage().heapUsed - heap0) / N;
process.stdout.write(
  `Node ${process.versions.node}: current(ctx) ${ns.toFixed(1)} ns/call, ${bytes.toFixed(3)} heap bytes/call over ${N} calls (hits ${hits})\n`,
);
