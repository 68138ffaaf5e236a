import { ExportResultCode } from '../../exporters/types';
import { PyroscopeExporter, PYROSCOPE_PROFILE_TYPES, type BuiltinProfileType } from '../../exporters/pyroscope';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { batchOf, SPAN_A, SPAN_B } from './pyroscope-fixtures';

describe('PyroscopeExporter, /ingest route', () => {
  let collector: PyroscopeCollector;
  let exporter: PyroscopeExporter;
  beforeEach(async () => {
    collector = await startPyroscopeCollector();
    exporter = new PyroscopeExporter({ endpoint: collector.url, route: 'ingest' });
  });
  afterEach(async () => { await exporter.shutdown(); await collector.stop(); });

  // /ingest derives __name__ from the sample types; it cannot tell block from mutex.
  const cases: Array<[BuiltinProfileType, string]> = [
    ['cpu', 'process_cpu'], ['wall', 'wall'], ['heap', 'memory'], ['allocs', 'memory'],
    ['goroutine', 'goroutines'], ['threadcreate', 'threadcreate'], ['block', 'mutex'], ['mutex', 'mutex'],
  ];
  it.each(cases)('uploads a %s profile as raw pprof, stored under __name__=%s', async (type, name) => {
    const batch = batchOf([type]);
    expect(await exporter.export(batch)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(collector.requests).toHaveLength(1);
    expect(collector.series).toHaveLength(1);
    const s = collector.series[0];
    expect(s.route).toBe('ingest');
    expect(s.labels).toMatchObject({ __name__: name, service_name: 'checkout', 'service.version': '1.2.3', env: 'prod', pyroscope_spy: 'nodespy', __delta__: 'false' });
    const t = PYROSCOPE_PROFILE_TYPES[type];
    expect(s.profileTypeIds).toEqual(t.profileTypeIds.map((id) => id.replace(/^[^:]+/, name)));
    expect(s.timeNanos).toBe(batch.startNanos);
    expect(collector.valuesBySpan(0).get(SPAN_A)).toBe(3);
    expect(collector.valuesBySpan(0).get(SPAN_B)).toBe(5);
  });

  it('sends one request per profile type of the period', async () => {
    expect((await exporter.export(batchOf(['cpu', 'wall', 'heap']))).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.requests.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(collector.requests.every((r) => r.headers['content-type'] === 'application/octet-stream')).toBe(true);
    expect(new Set(collector.series.map((s) => s.labels.__name__))).toEqual(new Set(['process_cpu', 'wall', 'memory']));
  });

  it('escapes label values to the /ingest name grammar; the service name only where a value cannot hold it', async () => {
    const batch = batchOf(['cpu'], { labels: { service_name: 'shop api{v2}', 'k8s-pod': 'a,b}c', note: 'x=y' } });
    expect((await exporter.export(batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.series[0].labels).toMatchObject({ service_name: 'shop api{v2_', k8s_pod: 'a_b_c', note: 'x=y' });
  });

  it("stores the same service_name as the push route (OTel's default unknown_service:node included)", async () => {
    for (const name of ['unknown_service:node', 'shop api', 'café/eu-1']) {
      await exporter.export(batchOf(['cpu'], { labels: { service_name: name } }));
      const pushCollector = await startPyroscopeCollector();
      const push = new PyroscopeExporter({ endpoint: pushCollector.url, route: 'push' });
      await push.export(batchOf(['cpu'], { labels: { service_name: name } }));
      await push.shutdown();
      await pushCollector.stop();
      expect(pushCollector.series[0].labels.service_name).toBe(name);
      expect(collector.series.at(-1)?.labels.service_name).toBe(name);
    }
  });

  it("a label whose escaped name is a server label's cannot replace it (service-name, pyroscope-spy)", async () => {
    const batch = batchOf(['cpu'], { labels: { 'service-name': 'other', 'pyroscope-spy': 'fake', team: 'a' } });
    expect((await exporter.export(batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.series[0].labels).toMatchObject({ service_name: 'checkout', pyroscope_spy: 'nodespy', team: 'a' });
  });
});
