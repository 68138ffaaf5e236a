/**
 * OTEP-4947 thread context through @datadog/pprof's writer. Expected support is derived from the
 * platform and Node version here (not from the code under test): Linux with AsyncContextFrame,
 * which Node 24+ has on by default and Node 20 lacks.
 */
import { context, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { profilingContextManager, ProfilingSpanProcessor, processContextAttributes, threadContextSupport } from '../../src';
import { currentThreadContext, disableThreadContext, enableThreadContext } from '../../src/otel';

const major = Number(process.versions.node.split('.')[0]);
const acfDisabled = /--no-async-context-frame/.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`);
const expectSupported = process.platform === 'linux' && major >= 24 && !acfDisabled;

type Rec = { debugBytes(): Uint8Array };
const hex = (rec: unknown): string => Buffer.from((rec as Rec).debugBytes()).toString('hex');

describe('OTel thread context (OTEP 4947)', () => {
  const cm = profilingContextManager(new AsyncLocalStorageContextManager()).enable();
  const tracer = new BasicTracerProvider({ spanProcessors: [new ProfilingSpanProcessor()] }).getTracer('t');
  beforeAll(() => context.setGlobalContextManager(cm));
  afterAll(() => {
    disableThreadContext();
    context.disable();
  });

  it(`is ${expectSupported ? '' : 'not '}supported on Node ${process.versions.node} (${process.platform})`, () => {
    const s = threadContextSupport();
    expect(s.supported).toBe(expectSupported);
    if (!s.supported) expect(s.reason.length).toBeGreaterThan(10);
    expect(enableThreadContext()).toBe(expectSupported);
  });

  it('process context attributes: the resource plus the thread-local key map where supported', () => {
    const attrs = processContextAttributes({ attributes: { 'service.name': 'svc', 'deployment.environment.name': 'prod' } });
    expect(attrs['service.name']).toBe('svc');
    expect(attrs['deployment.environment.name']).toBe('prod');
    if (expectSupported) {
      expect(attrs['threadlocal.schema_version']).toBe('nodejs_v1_dev');
      expect(attrs['threadlocal.attribute_key_map']).toEqual(['span_name']);
    } else {
      expect(attrs['threadlocal.schema_version']).toBeUndefined();
    }
  });

  it('publishes the active local root span while it is active, across await, and invalidates it at end', async () => {
    enableThreadContext();
    const root = tracer.startSpan('GET /x');
    const child = tracer.startSpan('db', {}, trace.setSpan(context.active(), root));
    const expected = root.spanContext().traceId + root.spanContext().spanId + '01';
    const seen: string[] = [];
    await context.with(trace.setSpan(context.active(), child), async () => {
      seen.push(currentThreadContext() === undefined ? 'none' : hex(currentThreadContext()).slice(0, 50));
      await new Promise((r) => setImmediate(r));
      seen.push(currentThreadContext() === undefined ? 'none' : hex(currentThreadContext()).slice(0, 50));
      await context.with(trace.deleteSpan(context.active()), async () => {
        seen.push(currentThreadContext() === undefined ? 'none' : 'record');
      });
    });
    const rec = await context.with(trace.setSpan(context.active(), root), async () => currentThreadContext());
    child.end();
    root.end();
    if (!expectSupported) {
      expect(seen).toEqual(['none', 'none', 'none']);
      expect(rec).toBeUndefined();
      return;
    }
    expect(seen).toEqual([expected, expected, 'none']);
    // The valid byte (after the 16 + 8 id bytes) drops to 0 once the span ended.
    expect(hex(rec).slice(48, 50)).toBe('00');
  });

  it('attach() publishes the attached span and dispose() restores what was published before', async () => {
    enableThreadContext();
    // The experimental attach() of context-async-hooks 2.x (what API 1.10's context.attach calls).
    const { attach } = cm as unknown as { attach: (c: Context) => { dispose(): void } };
    expect(typeof attach).toBe('function');
    const ctx0 = context.active();
    const outer = tracer.startSpan('GET /outer');
    const inner = tracer.startSpan('GET /inner'); // a second local root
    const id = (s: typeof outer): string => s.spanContext().traceId + s.spanContext().spanId + '01';
    const show = (): string => (currentThreadContext() === undefined ? 'none' : hex(currentThreadContext()).slice(0, 50));
    const seen: string[] = [];
    await context.with(trace.setSpan(ctx0, outer), async () => {
      await new Promise((r) => setImmediate(r));
      const token = attach.call(cm, trace.setSpan(ctx0, inner));
      seen.push(show());
      token.dispose();
      seen.push(show());
    });
    await context.with(ctx0, async () => {
      const token = attach.call(cm, trace.setSpan(ctx0, inner));
      seen.push(show());
      token.dispose();
      seen.push(show());
    });
    inner.end();
    outer.end();
    if (!expectSupported) {
      expect(seen).toEqual(['none', 'none', 'none', 'none']);
      return;
    }
    expect(seen).toEqual([id(inner), id(outer), id(inner), 'none']);
  });
});
