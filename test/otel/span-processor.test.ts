import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Context, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { otelSdkResource, profilingContextManager, ProfilingSpanProcessor, PROFILE_ID_ATTRIBUTE, resourceToSeriesLabels } from '../../src';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { spanProfileOf, type SpanLabelScope } from '../../src/otel';

const w3c = new W3CTraceContextPropagator();
const cm = profilingContextManager(new AsyncLocalStorageContextManager()).enable();

beforeAll(() => {
  context.setGlobalContextManager(cm);
});
afterAll(() => {
  context.disable();
});

function setup(spans: SpanLabelScope = 'local-root', sampler: Sampler = new AlwaysOnSampler()) {
  const exporter = new InMemorySpanExporter();
  const processor = new ProfilingSpanProcessor({ spans });
  const provider = new BasicTracerProvider({
    sampler,
    spanProcessors: [processor, new SimpleSpanProcessor(exporter)],
  });
  return { exporter, processor, tracer: provider.getTracer('test'), provider };
}

/** A context whose parent is remote, as an HTTP server sees it after extracting traceparent. */
function remoteParent(sampled: boolean): Context {
  const flags = sampled ? '01' : '00';
  return w3c.extract(ROOT_CONTEXT, { traceparent: `00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-${flags}` }, {
    get: (c: Record<string, string>, k: string) => c[k],
    keys: (c: Record<string, string>) => Object.keys(c),
  });
}

function startNested(tracer: Tracer, parent: Context) {
  const root = tracer.startSpan('root', {}, parent);
  const rootCtx = trace.setSpan(parent, root);
  const child = tracer.startSpan('child', {}, rootCtx);
  const childCtx = trace.setSpan(rootCtx, child);
  const grandchild = tracer.startSpan('grandchild', {}, childCtx);
  const gcCtx = trace.setSpan(childCtx, grandchild);
  return { root, child, grandchild, rootCtx, childCtx, gcCtx };
}

describe('ProfilingSpanProcessor', () => {
  it.each([
    ['no parent', ROOT_CONTEXT],
    ['a remote sampled parent', remoteParent(true)],
  ])('labels the whole local tree with the local root under %s', (_name, parent) => {
    const { tracer, exporter } = setup();
    const s = startNested(tracer, parent);
    const rootId = s.root.spanContext().spanId;
    for (const ctx of [s.rootCtx, s.childCtx, s.gcCtx]) {
      const p = spanProfileOf(ctx);
      expect(p?.spanId).toBe(rootId);
      expect(p?.traceId).toBe(s.root.spanContext().traceId);
      expect(p?.spanName).toBe('root');
      expect(p?.labels()).toEqual([
        { key: 'span_id', str: rootId },
        { key: 'trace_id', str: s.root.spanContext().traceId },
        { key: 'span_name', str: 'root' },
      ]);
    }
    s.grandchild.end();
    s.child.end();
    s.root.end();
    const byName = new Map(exporter.getFinishedSpans().map((x) => [x.name, x]));
    expect(byName.get('root')?.attributes[PROFILE_ID_ATTRIBUTE]).toBe(rootId);
    expect(byName.get('child')?.attributes[PROFILE_ID_ATTRIBUTE]).toBeUndefined();
    expect(byName.get('grandchild')?.attributes[PROFILE_ID_ATTRIBUTE]).toBeUndefined();
    expect(rootId).toMatch(/^[0-9a-f]{16}$/);
    expect(s.root.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps the remote trace id for a server span continuing a remote trace', () => {
    const { tracer } = setup();
    const s = startNested(tracer, remoteParent(true));
    expect(spanProfileOf(s.gcCtx)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it("in 'all' scope gives every span its own id and attribute, and the root's name", () => {
    const { tracer, exporter } = setup('all');
    const s = startNested(tracer, ROOT_CONTEXT);
    expect(spanProfileOf(s.childCtx)?.spanId).toBe(s.child.spanContext().spanId);
    expect(spanProfileOf(s.gcCtx)?.spanId).toBe(s.grandchild.spanContext().spanId);
    expect(spanProfileOf(s.gcCtx)?.spanName).toBe('root');
    s.grandchild.end();
    s.child.end();
    s.root.end();
    for (const span of exporter.getFinishedSpans()) {
      expect(span.attributes[PROFILE_ID_ATTRIBUTE]).toBe(span.spanContext().spanId);
    }
    expect(exporter.getFinishedSpans()).toHaveLength(3);
  });

  it.each([
    ['an unsampled remote parent (parent-based sampler)', new ParentBasedSampler({ root: new AlwaysOnSampler() }), remoteParent(false)],
    ['an always-off sampler', new AlwaysOffSampler(), ROOT_CONTEXT],
  ])('gives spans of %s neither labels nor the attribute', (_n, sampler, parent) => {
    const { tracer, exporter } = setup('local-root', sampler);
    const s = startNested(tracer, parent);
    expect(spanProfileOf(s.rootCtx)).toBeUndefined();
    expect(spanProfileOf(s.gcCtx)).toBeUndefined();
    s.root.end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('gives a recorded but unsampled span (RECORD decision) neither labels nor the attribute', () => {
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'record-only' };
    const { tracer } = setup('local-root', recordOnly);
    const span = tracer.startSpan('rec');
    expect(span.isRecording()).toBe(true);
    expect(spanProfileOf(trace.setSpan(ROOT_CONTEXT, span))).toBeUndefined();
    expect((span as unknown as { attributes: Record<string, unknown> }).attributes[PROFILE_ID_ATTRIBUTE]).toBeUndefined();
    span.end();
  });

  it("exposes the provider's resource once a span started (for resourceToSeriesLabels)", () => {
    const resource = resourceFromAttributes({ 'service.name': 'from-provider', 'service.version': '7' });
    const provider = new BasicTracerProvider({ resource, spanProcessors: [new ProfilingSpanProcessor()] });
    provider.getTracer('r').startSpan('s').end();
    expect(resourceToSeriesLabels(otelSdkResource())).toMatchObject({ service_name: 'from-provider', service_version: '7' });
  });

  it('reflects a rename of the root made before it ends, and keeps the final name after', () => {
    const { tracer } = setup();
    const s = startNested(tracer, ROOT_CONTEXT);
    s.root.updateName('GET /users/:id');
    expect(spanProfileOf(s.gcCtx)?.spanName).toBe('GET /users/:id');
    s.root.end();
    s.root.updateName('ignored after end');
    expect(spanProfileOf(s.gcCtx)?.labels()).toContainEqual({ key: 'span_name', str: 'GET /users/:id' });
  });

  it('follows the active context across await and timers', async () => {
    const { tracer } = setup();
    const ids = await tracer.startActiveSpan('req', async (span) => {
      const seen: Array<string | undefined> = [spanProfileOf(context.active())?.spanId];
      await new Promise((r) => setImmediate(r));
      seen.push(spanProfileOf(context.active())?.spanId);
      await new Promise<void>((r) => setTimeout(() => {
        seen.push(spanProfileOf(context.active())?.spanId);
        r();
      }, 1));
      span.end();
      return { seen, id: span.spanContext().spanId };
    });
    expect(ids.seen).toEqual([ids.id, ids.id, ids.id]);
  });

  it('registered twice (or in two providers) labels and marks each span once', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new ProfilingSpanProcessor(), new ProfilingSpanProcessor({ spans: 'all' }), new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('t');
    const s = startNested(tracer, ROOT_CONTEXT);
    // The first processor decided: local-root scope.
    expect(spanProfileOf(s.gcCtx)?.spanId).toBe(s.root.spanContext().spanId);
    s.child.end();
    s.root.end();
    const child = exporter.getFinishedSpans().find((x) => x.name === 'child');
    expect(child?.attributes[PROFILE_ID_ATTRIBUTE]).toBeUndefined();
  });

  it.each([['every'], [''], [42]])('rejects spans=%p with PPROF_ERR_INVALID_ARG', (bad) => {
    expect(() => new ProfilingSpanProcessor({ spans: bad as SpanLabelScope })).toThrow(
      expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message: `spans must be 'local-root' or 'all' (actual: ${JSON.stringify(bad)})` }),
    );
  });

  it('propagation.inject still works through the wrapped context manager', () => {
    const { tracer } = setup();
    propagation.setGlobalPropagator(w3c);
    const carrier: Record<string, string> = {};
    tracer.startActiveSpan('out', (span) => {
      propagation.inject(context.active(), carrier);
      span.end();
      expect(carrier.traceparent).toContain(span.spanContext().spanId);
    });
    propagation.disable();
  });
});
