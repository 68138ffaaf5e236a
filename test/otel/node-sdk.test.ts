import { context, trace } from '@opentelemetry/api';
import type { ContextManager } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { lastJsonLine, runTsFixture } from '../support/ts-child';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { OtelApiError, OtelprofError, OtelSdkIncompatibleError, ProfilingSpanProcessor, withProfiling } from '../../src';
import { isProfilingContextManager, isProfilingSpanProcessor } from '../../src/otel';
import { requireOtelPackage } from '../../src/otel-api';

type Opts = { spanProcessors?: unknown[]; contextManager?: ContextManager | null; traceExporter?: unknown; spanProcessor?: unknown };

function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    process.env[k] = env[k];
  }
  try {
    return fn();
  } finally {
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

describe('withProfiling(nodeSdkOptions)', () => {
  it('keeps the env-configured OTLP exporter: spans reach a loopback collector with pyroscope.profile.id', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    // A child process: the OTLP exporter loads its HTTP agent with a dynamic import jest's VM
    // cannot run, and NodeSDK.start() registers process-global providers.
    const res = await runTsFixture(join(__dirname, 'fixtures', 'env-exporter-app.ts'), [], {
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
    });
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    const { spanId, processors } = lastJsonLine<{ spanId: string; processors: string[] }>(res);
    expect(processors).toEqual(['ProfilingSpanProcessor', 'BatchSpanProcessor']);
    const all = bodies.join('\n');
    expect(all).toContain('"pyroscope.profile.id"');
    expect(all).toContain(spanId);
    expect(all).toContain('env-exporter-test');
  });

  it('OTEL_TRACES_EXPORTER=none adds nothing (tracing stays off, as the SDK decides)', () => {
    const opts = withEnv({ OTEL_TRACES_EXPORTER: 'none' }, () => withProfiling({})) as Opts;
    expect(opts.spanProcessors).toEqual([]);
  });

  it('OTEL_SDK_DISABLED=true returns the options unchanged', () => {
    const input = { serviceName: 'x' };
    const opts = withEnv({ OTEL_SDK_DISABLED: 'true' }, () => withProfiling(input));
    expect(opts).toEqual(input);
    expect(opts).not.toBe(input);
  });

  it('puts its processor before explicit spanProcessors, keeping them', () => {
    const mine = new SimpleSpanProcessor(new InMemorySpanExporter());
    const opts = withProfiling({ spanProcessors: [mine] }) as Opts;
    expect(opts.spanProcessors).toHaveLength(2);
    expect(isProfilingSpanProcessor(opts.spanProcessors?.[0])).toBe(true);
    expect(opts.spanProcessors?.[1]).toBe(mine);
  });

  it('wraps traceExporter in a batch processor, and takes the deprecated spanProcessor into the list', () => {
    const exporter = new InMemorySpanExporter();
    const a = withProfiling({ traceExporter: exporter }) as Opts;
    expect((a.spanProcessors?.[1] as object).constructor.name).toBe('BatchSpanProcessor');
    expect((a.spanProcessors?.[1] as { _exporter?: unknown })._exporter).toBe(exporter);
    const single = new SimpleSpanProcessor(exporter);
    const b = withProfiling({ spanProcessor: single }) as Opts;
    expect(b.spanProcessors?.[1]).toBe(single);
    expect('spanProcessor' in b).toBe(false);
  });

  it('is idempotent: no second processor and no double-wrapped context manager', () => {
    const once = withProfiling({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }) as Opts;
    const twice = withProfiling(once) as Opts;
    expect(twice.spanProcessors?.filter(isProfilingSpanProcessor)).toHaveLength(1);
    expect(twice.contextManager).toBe(once.contextManager);
    expect(isProfilingContextManager(twice.contextManager)).toBe(true);
  });

  it('instruments a given context manager, defaults to AsyncLocalStorage, leaves null alone', () => {
    const als = new AsyncLocalStorageContextManager();
    const given = withProfiling({ contextManager: als, spanProcessors: [] }) as Opts;
    expect(given.contextManager).toBe(als);
    expect(isProfilingContextManager(als)).toBe(true);
    const dflt = withProfiling({ spanProcessors: [] }) as Opts;
    expect(dflt.contextManager).toBeInstanceOf(AsyncLocalStorageContextManager);
    expect((withProfiling({ contextManager: null, spanProcessors: [] }) as Opts).contextManager).toBeNull();
  });

  it('registers nothing globally and does not modify the caller options', () => {
    const input = { spanProcessors: [new ProfilingSpanProcessor()] };
    const before = context.active();
    withProfiling(input);
    expect(input.spanProcessors).toHaveLength(1);
    expect(Object.keys(input)).toEqual(['spanProcessors']);
    expect(trace.getTracerProvider().getTracer('x').startSpan('s').isRecording()).toBe(false);
    expect(context.active()).toBe(before);
  });

  it.each([
    ['@opentelemetry/not-installed-pkg', 'PPROF_ERR_OTEL_API_MISSING', 'otelprof: withProfiling() needs @opentelemetry/not-installed-pkg, which is not installed (npm install @opentelemetry/not-installed-pkg)'],
  ])('a missing package %s gives %s', (name, code, message) => {
    expect(() => requireOtelPackage(name, 'withProfiling()')).toThrow(expect.objectContaining({ code, message }));
    expect(() => requireOtelPackage(name, 'withProfiling()')).toThrow(OtelApiError);
  });

  it('error classes carry stable codes and extend OtelprofError', () => {
    const cases: Array<[OtelprofError, string]> = [
      [new OtelApiError('PPROF_ERR_OTEL_API_INCOMPATIBLE', 'm'), 'PPROF_ERR_OTEL_API_INCOMPATIBLE'],
      [new OtelSdkIncompatibleError('m'), 'PPROF_ERR_OTEL_SDK_INCOMPATIBLE'],
    ];
    for (const [err, code] of cases) {
      expect(err).toBeInstanceOf(OtelprofError);
      expect(err.code).toBe(code);
    }
  });

  it('passes bad processor options through as PPROF_ERR_INVALID_ARG', () => {
    expect(() => withProfiling({}, { spans: 'some' as 'all' })).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG' }));
  });
});
