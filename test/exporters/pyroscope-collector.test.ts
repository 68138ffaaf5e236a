/**
 * The loopback collector itself follows Pyroscope's documented rules (reference:
 * pyroscope-ingest.md); these tests speak raw HTTP to it, without the exporter.
 */
import { gzipSync } from 'node:zlib';
import { encodeGzip } from '../../src/pprof';
import { push } from '../../proto/generated/pyroscope-push';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { ingestMetricName, parseIngestName } from '../support/pyroscope-collector-rules';
import { batchOf } from './pyroscope-fixtures';

const PUSH = '/push.v1.PusherService/Push';
type Series = Array<{ labels: Record<string, string>; raw: Uint8Array }>;
const pushBody = (series: Series): Uint8Array => push.v1.PushRequest.encode({
  series: series.map((s) => ({ labels: Object.entries(s.labels).map(([name, value]) => ({ name, value })), samples: [{ rawProfile: s.raw, ID: 'id-1' }] })),
}).finish();

describe('loopback Pyroscope collector', () => {
  let c: PyroscopeCollector;
  let cpu: Uint8Array;
  beforeAll(async () => { cpu = await encodeGzip(batchOf(['cpu']).profiles[0].profile); });
  afterEach(() => c.stop());
  const post = async (path: string, body: Uint8Array | string, headers: Record<string, string> = { 'content-type': 'application/proto' }): Promise<{ status: number; json: { code?: string; message?: string } | undefined; text: string }> => {
    const res = await fetch(c.url + path, { method: 'POST', headers, body });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, text };
  };

  it('Push: proto and JSON bodies, gzip request encoding; {} answer for JSON', async () => {
    c = await startPyroscopeCollector();
    const labels = { __name__: 'process_cpu', service_name: 'a' };
    expect((await post(PUSH, pushBody([{ labels, raw: cpu }]))).status).toBe(200);
    const json = JSON.stringify({ series: [{ labels: [{ name: '__name__', value: 'wall' }, { name: 'service_name', value: 'b' }], samples: [{ ID: 'x', rawProfile: Buffer.from(cpu).toString('base64') }] }] });
    const r = await post(PUSH, json, { 'content-type': 'application/json' });
    expect([r.status, r.text]).toEqual([200, '{}']);
    expect((await post(PUSH, gzipSync(pushBody([{ labels, raw: cpu }])), { 'content-type': 'application/proto', 'content-encoding': 'gzip' })).status).toBe(200);
    expect(c.series.map((s) => s.labels.service_name)).toEqual(['a', 'b', 'a']);
  });

  it.each([
    ['wrong content type', () => ({ body: pushBody([]), headers: { 'content-type': 'text/plain' } }), 415, undefined],
    ['empty request', () => ({ body: pushBody([]), headers: undefined }), 400, 'no profiles received'],
    ['missing __name__', (raw: Uint8Array) => ({ body: pushBody([{ labels: { service_name: 'a' }, raw }]), headers: undefined }), 400, 'invalid metric name'],
    ['corrupt raw_profile', () => ({ body: pushBody([{ labels: { __name__: 'x' }, raw: new Uint8Array([0x1f, 0x8b, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 9]) }]), headers: undefined }), 500, 'gzip'],
    ['empty raw_profile', () => ({ body: pushBody([{ labels: { __name__: 'x' }, raw: new Uint8Array() }]), headers: undefined }), 500, 'gzip reset: EOF'],
    ['not protobuf', () => ({ body: new Uint8Array([0xff, 0xff, 0xff]), headers: undefined }), 400, 'unmarshal'],
  ])('Push rejects: %s', async (_n, make, status, message) => {
    c = await startPyroscopeCollector();
    const { body, headers } = make(cpu);
    const r = await post(PUSH, body, headers);
    expect(r.status).toBe(status);
    if (message) expect(r.json?.message).toContain(message);
  });

  it('Push: a missing service_name becomes unknown_service; partial success stores the valid series', async () => {
    c = await startPyroscopeCollector();
    const r = await post(PUSH, pushBody([{ labels: { __name__: 'process_cpu' }, raw: cpu }, { labels: { __name__: 'wall', service_name: 'x' }, raw: cpu }, { labels: { __name__: '' }, raw: cpu }]));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ code: 'invalid_argument', message: expect.stringContaining('invalid metric name') });
    expect(c.series.map((s) => s.labels.service_name)).toEqual(['unknown_service', 'x']);
  });

  it('Push: a profile larger than the 2 MiB burst is always refused with 429', async () => {
    c = await startPyroscopeCollector({ limits: { ingestionBurstBytes: 100 } });
    const r = await post(PUSH, pushBody([{ labels: { __name__: 'process_cpu', service_name: 'a' }, raw: cpu }]));
    expect(r.status).toBe(429);
    expect(r.json).toMatchObject({ code: 'resource_exhausted', message: expect.stringMatching(/^push rate limit \(4\.0 MiB\) exceeded while adding/) });
  });

  it('tenancy: 401 {"code":"unauthenticated","message":"no org id"} without X-Scope-OrgID; 405 for GET', async () => {
    c = await startPyroscopeCollector({ tenancy: 'multitenant' });
    const r = await post(`/ingest?name=app&format=pprof`, cpu, { 'content-type': 'application/octet-stream' });
    expect([r.status, r.json]).toEqual([401, { code: 'unauthenticated', message: 'no org id' }]);
    expect((await post(PUSH, pushBody([{ labels: { __name__: 'x', service_name: 'a' }, raw: cpu }]))).status).toBe(401);
    expect((await fetch(`${c.url}${PUSH}`)).status).toBe(405);
  });

  it('/ingest: format=pprof required for raw pprof, name errors are 400 "name: ...", decode errors 422', async () => {
    c = await startPyroscopeCollector();
    const h = { 'content-type': 'application/octet-stream' };
    expect((await post('/ingest?name=app', cpu, h)).status).toBe(422);
    const bad = await post('/ingest?name=my%20app&format=pprof', cpu, h);
    expect([bad.status, bad.json?.message]).toEqual([400, "name: invalid service name: my app: character is not allowed: ' '"]);
    expect((await post('/ingest?format=pprof', cpu, h)).json?.message).toBe('name: service name is required');
    const broken = await post('/ingest?name=app&format=pprof', new Uint8Array([1, 2, 3]), h);
    expect(broken.status).toBe(422);
    expect(broken.json?.message).toMatch(/^parsing IngestInput-pprof failed/);
    const ok = await post('/ingest?name=app.cpu%7Benv%3Dprod%7D&format=pprof&spyName=nodespy', cpu, h);
    expect([ok.status, ok.text]).toEqual([200, '']);
    expect(c.series[0].labels).toMatchObject({ __name__: 'process_cpu', service_name: 'app.cpu', env: 'prod', pyroscope_spy: 'nodespy', __delta__: 'false' });
  });

  it.each([
    ['app', { app: 'app', labels: {} }],
    ['app{a=b, c = d }', { app: 'app', labels: { a: 'b', c: 'd' } }],
    ['app{a=b}c=d,', { app: 'app', labels: { a: 'b', c: 'd' } }],
    ['app{a=b', { app: 'app', labels: {} }],
    ['app{a=x=y/z}', { app: 'app', labels: { a: 'x=y/z' } }],
    ['app{__name__=other}', { app: 'other', labels: {} }],
    ['app{a,b=c}', "name: invalid label name: a,b: character is not allowed: ','"],
    ['app{=v}', 'name: label name is required'],
    ['', 'name: service name is required'],
  ])('/ingest name grammar: %j', (name, want) => {
    if (typeof want === 'string') {
      expect(() => parseIngestName(name)).toThrow(want);
    } else {
      const got = parseIngestName(name);
      expect({ app: got.app, labels: Object.fromEntries(got.labels) }).toEqual(want);
    }
  });

  it.each([
    [['samples', 'cpu'], 'process_cpu'], [['samples', 'wall'], 'wall'], [['inuse_objects', 'inuse_space'], 'memory'],
    [['goroutine'], 'goroutines'], [['contentions', 'delay'], 'mutex'], [['threadcreate'], 'threadcreate'], [['block_count'], 'block'],
  ])('/ingest __name__ from sample types %j is %s', (types, name) => {
    expect(ingestMetricName(types)).toBe(name);
  });
});
