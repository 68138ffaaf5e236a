import { ExportResultCode } from '../../exporters/types';
import { PyroscopeExporter, PYROSCOPE_PROFILE_TYPES, CPU_PROFILE_TYPE_ID, type BuiltinProfileType } from '../../exporters/pyroscope';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { batchOf, SPAN_A, SPAN_B, TRACE_A } from './pyroscope-fixtures';

const ALL: BuiltinProfileType[] = ['cpu', 'wall', 'heap', 'allocs', 'goroutine', 'threadcreate', 'block', 'mutex'];

describe('PyroscopeExporter, Push API', () => {
  let collector: PyroscopeCollector;
  let exporter: PyroscopeExporter | undefined;
  beforeEach(async () => { collector = await startPyroscopeCollector(); });
  afterEach(async () => { await exporter?.shutdown(); await collector.stop(); });

  it('sends every type of a period in one request, with the table\'s __name__ and profile type IDs', async () => {
    exporter = new PyroscopeExporter({ endpoint: collector.url });
    const result = await exporter.export(batchOf(ALL));
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0]).toMatchObject({ route: '/push.v1.PusherService/Push', status: 200 });
    expect(collector.requests[0].headers['content-type']).toBe('application/proto');
    for (const type of ALL) {
      const want = PYROSCOPE_PROFILE_TYPES[type];
      const got = collector.series.filter((s) => s.labels.__name__ === want.name && s.profileTypeIds.join() === want.profileTypeIds.join());
      expect(got.length).toBeGreaterThan(0);
      for (const s of got) {
        expect(s.labels.service_name).toBe('checkout');
        expect(s.labels['service.version']).toBe('1.2.3');
        expect(s.labels.env).toBe('prod');
        expect(s.labels.__delta__).toBe('false');
      }
    }
    expect(collector.series.some((s) => s.profileTypeIds.includes(CPU_PROFILE_TYPE_ID))).toBe(true);
    expect(collector.series.some((s) => s.profileTypeIds.includes('goroutines:goroutine:count:goroutine:count'))).toBe(true);
  });

  it('keeps span and trace ids as sample labels, not series labels', async () => {
    exporter = new PyroscopeExporter({ endpoint: collector.url });
    expect((await exporter.export(batchOf(['cpu']))).code).toBe(ExportResultCode.SUCCESS);
    const s = collector.series;
    expect(s).toHaveLength(1);
    expect(Object.keys(s[0].labels)).not.toContain('span_id');
    expect(Object.keys(s[0].labels)).not.toContain('trace_id');
    const bySpan = collector.valuesBySpan(0);
    expect(bySpan.get(SPAN_A)).toBe(3);
    expect(bySpan.get(SPAN_B)).toBe(5);
    expect(s[0].samples.find((x) => x.labels.get('span_id') === SPAN_A)?.labels.get('trace_id')).toBe(TRACE_A);
    expect(collector.warnings).toEqual([]);
  });

  it('promotes other sample labels to series labels (span_name, user labels)', async () => {
    exporter = new PyroscopeExporter({ endpoint: collector.url });
    const batch = batchOf(['wall'], { extraLabels: [{ key: 'span_name', str: 'GET /cart' }, { key: 'route', str: '/cart' }] });
    expect((await exporter.export(batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.series).toHaveLength(1);
    expect(collector.series[0].labels).toMatchObject({ span_name: 'GET /cart', route: '/cart', __name__: 'wall' });
  });

  it('sends bearer token, X-Scope-OrgID and extra headers; a multi-tenant collector accepts them', async () => {
    await collector.stop();
    collector = await startPyroscopeCollector({ tenancy: 'multitenant' });
    exporter = new PyroscopeExporter({ endpoint: collector.url, authToken: 's3cret', tenantId: 'team-a', headers: { 'X-Extra': 'yes' } });
    expect((await exporter.export(batchOf(['cpu']))).code).toBe(ExportResultCode.SUCCESS);
    const h = collector.requests[0].headers;
    expect(h.authorization).toBe('Bearer s3cret');
    expect(h['x-scope-orgid']).toBe('team-a');
    expect(h['x-extra']).toBe('yes');
    expect(collector.series[0].tenant).toBe('team-a');
  });

  it('sends basic auth; a gateway-like collector answers 401 without it and the export is rejected, not retried', async () => {
    await collector.stop();
    collector = await startPyroscopeCollector({ tenancy: 'gateway' });
    exporter = new PyroscopeExporter({ endpoint: collector.url, basicAuth: { username: '123456', password: 'glc_token' } });
    expect((await exporter.export(batchOf(['cpu']))).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('123456:glc_token').toString('base64')}`);
    const anon = new PyroscopeExporter({ endpoint: collector.url, initialBackoffMillis: 1 });
    const res = await anon.export(batchOf(['cpu']));
    await anon.shutdown();
    expect(res).toMatchObject({ code: ExportResultCode.FAILED, reason: 'rejected' });
    expect(collector.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('sends to an endpoint with a base path (reverse proxy sub-path)', async () => {
    await collector.stop();
    collector = await startPyroscopeCollector({ pathPrefix: '/pyro' });
    exporter = new PyroscopeExporter({ endpoint: `${collector.url}/pyro/` });
    expect((await exporter.export(batchOf(['heap']))).code).toBe(ExportResultCode.SUCCESS);
    const wrong = new PyroscopeExporter({ endpoint: collector.url });
    expect(await wrong.export(batchOf(['heap']))).toMatchObject({ code: ExportResultCode.FAILED, reason: 'rejected' });
    await wrong.shutdown();
    expect(collector.requests.map((r) => r.status)).toEqual([200, 404]);
  });

  it('resolves an empty batch as success without a request', async () => {
    exporter = new PyroscopeExporter({ endpoint: collector.url });
    const b = batchOf([]);
    expect((await exporter.export(b)).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.requests).toHaveLength(0);
  });
});

describe('PyroscopeExporter self-metrics through the global meter provider', () => {
  it('records through metrics.getMeter("otelprof") when a provider is registered', async () => {
    const { metrics } = await import('@opentelemetry/api');
    const { testMeter } = await import('./pyroscope-metrics-helper');
    const meter = testMeter();
    metrics.setGlobalMeterProvider(meter.provider);
    const collector = await startPyroscopeCollector();
    try {
      const exporter = new PyroscopeExporter({ endpoint: collector.url });
      await exporter.export(batchOf(['cpu', 'wall']));
      await exporter.shutdown();
      expect(await meter.sum('otelprof.exporter.exported', { exporter: 'pyroscope' })).toBe(2);
    } finally {
      metrics.disable();
      await collector.stop();
    }
  });
});
