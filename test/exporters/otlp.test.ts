import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createOtlpExporter, batchToOtlp, encodeRequest } from '../../exporters/otlp';
import { ExportResultCode, type ProfileBatch } from '../../exporters/types';
import { decodeOtlpRequest, startOtlpCollector, validate, type OtlpCollector } from '../support/otlp-collector';
import { cpuProfile, heapProfile, resolveProfiles, resourceAttributesOf, SPAN_A, SPAN_B, TRACE_A, TRACE_B } from './otlp-fixtures';

// Beyond 2^53 on purpose: a timestamp that a JS number would round.
const T0 = 1_763_800_000_123_456_789n;

function batch(over: Partial<ProfileBatch> = {}): ProfileBatch {
  return {
    startNanos: T0,
    endNanos: T0 + 10_000_000_000n,
    profiles: [{ type: 'cpu', profile: cpuProfile(T0) }, { type: 'heap', profile: heapProfile(T0 + 1n) }],
    seriesLabels: { service_name: 'checkout', service_version: '1.2.3', region: 'eu-north' },
    ...over,
  };
}

let collector: OtlpCollector;
beforeEach(async () => {
  collector = await startOtlpCollector();
});
afterEach(() => collector.close());

const quiet = { env: {}, reportEnvIssues: false, maxAttempts: 2 } as const;
const fast = { initialBackoffMillis: 10, maxBackoffMillis: 10, maxRetryAfterMillis: 10, jitter: 0 };

describe('OTLP exporter against a loopback collector (decoded with the .proto at run time)', () => {
  test('resource, scope, one profile per sample type, values, stacks, attributes and links', async () => {
    const exporter = createOtlpExporter({ ...quiet, url: collector.url, resourceAttributes: { 'deployment.environment.name': 'prod' } });
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(collector.received).toHaveLength(1);
    const { request, headers } = collector.received[0];
    expect(headers['content-type']).toBe('application/x-protobuf');

    expect(resourceAttributesOf(request)).toEqual({
      'service.name': 'checkout',
      'service.version': '1.2.3',
      region: 'eu-north',
      'deployment.environment.name': 'prod',
    });
    expect(request.resourceProfiles[0].scopeProfiles[0].scope.name).toBe('otelprof');

    const profiles = resolveProfiles(request);
    // cpu: samples/count and cpu/nanoseconds; heap: inuse_objects and inuse_space.
    expect(profiles.map((p) => p.sampleType)).toEqual(['samples/count', 'cpu/nanoseconds', 'inuse_objects/count', 'inuse_space/bytes']);
    const [count, cpu, objects, space] = profiles;
    expect(count.periodType).toBe('cpu/nanoseconds');
    expect(count.period).toBe(10_000_000);
    expect(count.timeUnixNano).toBe(T0.toString());
    expect(count.durationNano).toBe('10000000000');

    const bySpan = (p: typeof count) => Object.fromEntries(p.samples.map((s) => [s.link?.spanId ?? 'none', s]));
    const c = bySpan(count);
    expect(c[SPAN_A]).toEqual({ stack: ['work', 'main'], value: 3, attributes: { route: '/a' }, link: { traceId: TRACE_A, spanId: SPAN_A } });
    expect(c[SPAN_B]).toEqual({ stack: ['idle', 'main'], value: 1, attributes: {}, link: { traceId: TRACE_B, spanId: SPAN_B } });
    expect(c.none).toEqual({ stack: ['main'], value: 2, attributes: { bytes: 512 }, link: undefined });
    // The third sample has no CPU time: it is left out of the cpu/nanoseconds profile.
    expect(cpu.samples.map((s) => [s.link?.spanId, s.value])).toEqual([[SPAN_A, 30_000_000], [SPAN_B, 10_000_000]]);

    // A heap snapshot has no period type in pprof: the exporter names one so receivers can.
    expect(objects.periodType).toBe('heap/count');
    expect(space.periodType).toBe('heap/bytes');
    expect(space.timeUnixNano).toBe((T0 + 1n).toString());
    // A snapshot has no window of its own: the batch's is used.
    expect(space.durationNano).toBe('10000000000');
    expect(space.samples).toEqual([{ stack: ['alloc', 'main'], value: 4096, attributes: {}, link: undefined }]);

    // Span ids are links, never attributes.
    const keys = request.dictionary.attributeTable.map((a: { keyStrindex: number }) => request.dictionary.stringTable[a.keyStrindex]);
    expect(keys).not.toContain('span_id');
    expect(keys).not.toContain('trace_id');
    // The unit of a numeric label is kept.
    const bytesAttr = request.dictionary.attributeTable.find((a: { keyStrindex: number }) => request.dictionary.stringTable[a.keyStrindex] === 'bytes');
    expect(request.dictionary.stringTable[bytesAttr.unitStrindex]).toBe('bytes');
  });

  test('dictionary tables are shared across profiles and hold no duplicates', async () => {
    const { request } = batchToOtlp(batch());
    const decoded = await decodeOtlpRequest(encodeRequest(request));
    expect(validate(decoded)).toBeUndefined();
    const d = decoded.dictionary;
    const dupes = (rows: unknown[]) => rows.length - new Set(rows.map((r) => JSON.stringify(r))).size;
    for (const table of ['stringTable', 'functionTable', 'locationTable', 'stackTable', 'linkTable', 'attributeTable', 'mappingTable']) {
      expect([table, dupes(d[table])]).toEqual([table, 0]);
    }
    // main appears in both profiles but once in the function table.
    const names = d.functionTable.map((f: { nameStrindex: number }) => d.stringTable[f.nameStrindex]);
    expect(names.filter((n: string) => n === 'main')).toHaveLength(1);
    // Two distinct spans plus the zero link.
    expect(d.linkTable).toHaveLength(3);
    // The heap profile's mapping is kept with its file name.
    expect(d.mappingTable.map((m: { filenameStrindex: number }) => d.stringTable[m.filenameStrindex])).toEqual(['', 'node']);
  });

  test('malformed or repeated span labels are dropped, never written as attributes', async () => {
    const p = cpuProfile(T0);
    p.samples = [
      { locationIds: [1], values: [1, 1], labels: [{ key: 'span_id', str: 'xyz' }, { key: 'trace_id', str: TRACE_A }] },
      { locationIds: [2], values: [1, 1], labels: [{ key: 'span_id', str: SPAN_A }, { key: 'k', str: 'v1' }, { key: 'k', str: 'v2' }] },
    ];
    const { request, stats } = batchToOtlp(batch({ profiles: [{ type: 'cpu', profile: p }] }));
    const [count] = resolveProfiles(await decodeOtlpRequest(encodeRequest(request)));
    expect(count.samples).toEqual([
      { stack: ['main'], value: 1, attributes: {}, link: undefined },
      // No trace id label: the link carries the zero trace id.
      { stack: ['work'], value: 1, attributes: { k: 'v1' }, link: { traceId: '0'.repeat(32), spanId: SPAN_A } },
    ]);
    // bad span_id, the orphan trace_id, the second k.
    expect(stats.droppedLabels).toBe(3);
  });

  test('gzip body, endpoint and headers from the environment (specific over generic)', async () => {
    const exporter = createOtlpExporter({
      reportEnvIssues: false,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.origin}/`,
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20generic,x-common=1',
        OTEL_EXPORTER_OTLP_PROFILES_HEADERS: 'authorization=Bearer%20specific',
        OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION: 'gzip',
      },
      headers: { 'x-scope-orgid': 'tenant-1' },
    });
    expect(exporter.options.url.href).toBe(collector.url);
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const { headers, rawBytes, request } = collector.received[0];
    expect(headers['content-encoding']).toBe('gzip');
    expect(headers.authorization).toBe('Bearer specific');
    expect(headers['x-common']).toBe('1');
    expect(headers['x-scope-orgid']).toBe('tenant-1');
    expect(rawBytes).toBeLessThan(encodeRequest(batchToOtlp(batch()).request).byteLength);
    expect(resourceAttributesOf(request)['service.name']).toBe('checkout');
  });

  test('retries 503 with backoff, then delivers once', async () => {
    collector.forced.push({ status: 503, body: 'overloaded', headers: { 'retry-after': '0' } });
    const exporter = createOtlpExporter({ ...quiet, url: collector.url, maxAttempts: 3, backoff: fast });
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(collector.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(collector.received).toHaveLength(1);
  });

  test.each([500, 501])('a %d is final for OTLP (the spec retries only 429, 502, 503, 504)', async (status) => {
    collector.forced.push({ status, body: 'cannot take this request' });
    const exporter = createOtlpExporter({ ...quiet, url: collector.url, maxAttempts: 5, backoff: fast });
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result.code === ExportResultCode.FAILED && result.reason).toBe('rejected');
    expect(collector.attempts.map((a) => a.status)).toEqual([status]);
  });

  test.each([429, 502, 504])('a %d is retried, then delivered once', async (status) => {
    collector.forced.push({ status, body: 'later', headers: { 'retry-after': '0' } });
    const exporter = createOtlpExporter({ ...quiet, url: collector.url, maxAttempts: 3, backoff: fast });
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(collector.attempts.map((a) => a.status)).toEqual([status, 200]);
  });

  test('a URL without a path posts to "/" (as the OTLP spec uses a signal URL as given): one request, its 404 final', async () => {
    const exporter = createOtlpExporter({ ...quiet, url: collector.origin, maxAttempts: 5, backoff: fast });
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result.code === ExportResultCode.FAILED && result.reason).toBe('rejected');
    expect(collector.attempts).toEqual([{ status: 404, error: 'no route /' }]);
  });

  test('a 400 is final: rejected, not retried, with the server text', async () => {
    collector.forced.push({ status: 400, body: 'invalid metric name' });
    const exporter = createOtlpExporter({ ...quiet, url: collector.url, maxAttempts: 5 });
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.FAILED);
    if (result.code !== ExportResultCode.FAILED) return;
    expect(result.reason).toBe('rejected');
    expect(result.error.message).toContain('HTTP 400: invalid metric name');
    expect(collector.attempts).toHaveLength(1);
  });

  test('an unreachable collector: retries exhausted -> dropped; export never rejects', async () => {
    const url = collector.url;
    await collector.close();
    const exporter = createOtlpExporter({ ...quiet, url, maxAttempts: 2, timeoutMillis: 2000, backoff: fast });
    const result = await exporter.export(batch());
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.FAILED);
    if (result.code === ExportResultCode.FAILED) expect(result.reason).toBe('dropped');
    collector = await startOtlpCollector(); // afterEach closes it
  });

  test('empty batch is invalid; all-zero batch sends nothing; after shutdown -> shutdown', async () => {
    const exporter = createOtlpExporter({ ...quiet, url: collector.url });
    const empty = await exporter.export(batch({ profiles: [] }));
    expect(empty.code === ExportResultCode.FAILED && empty.reason).toBe('invalid');
    const zero = cpuProfile(T0);
    zero.samples = zero.samples.map((s) => ({ ...s, values: [0, 0] }));
    expect((await exporter.export(batch({ profiles: [{ type: 'cpu', profile: zero }] }))).code).toBe(ExportResultCode.SUCCESS);
    const first = exporter.shutdown();
    expect(exporter.shutdown()).toBe(first);
    await first;
    const late = await exporter.export(batch());
    expect(late.code === ExportResultCode.FAILED && late.reason).toBe('shutdown');
    expect(collector.attempts).toHaveLength(0);
  });

  test.each(['none', 'gzip'] as const)('forceFlush waits for every batch (compression %s); each export settles once, in order', async (compression) => {
    const exporter = createOtlpExporter({ ...quiet, url: collector.url, compression });
    const settled: number[] = [];
    const pending = [1, 2, 3].map((i) => exporter.export(batch({ seriesLabels: { service_name: `svc-${i}` } })).then((r) => {
      settled.push(i);
      return r;
    }));
    await exporter.forceFlush();
    expect(collector.received.map((r) => resourceAttributesOf(r.request)['service.name'])).toEqual(['svc-1', 'svc-2', 'svc-3']);
    expect((await Promise.all(pending)).map((r) => r.code)).toEqual([0, 0, 0]);
    expect(settled).toEqual([1, 2, 3]);
    await exporter.shutdown();
  });

  test('shutdown gives queued requests one flushTimeoutMillis, then aborts: no attempt after the deadline', async () => {
    // A collector that takes every request and never answers.
    let arrived = 0;
    const sockets = new Set<Socket>();
    const hang = createServer(() => void arrived++);
    hang.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/v1development/profiles`;
    try {
      // The attempt times out after 1.5 deadlines and would be retried at once.
      const exporter = createOtlpExporter({ ...quiet, url, maxAttempts: 5, flushTimeoutMillis: 400, timeoutMillis: 600, backoff: fast });
      const pending = exporter.export(batch());
      await exporter.shutdown();
      const result = await pending;
      expect(result.code === ExportResultCode.FAILED && result.reason).toBe('shutdown');
      expect(arrived).toBe(1);
      // The aborted request's connection is closed, not left open on the server.
      await new Promise<void>((resolve) => {
        if (sockets.size === 0) resolve();
        else for (const s of sockets) s.on('close', () => sockets.size === 0 && resolve());
      });
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((resolve) => hang.close(() => resolve()));
    }
  });

  test('gzip bodies decode to the same request as plain ones', async () => {
    const exporter = createOtlpExporter({ ...quiet, url: collector.url, compression: 'gzip' });
    await exporter.export(batch());
    await exporter.shutdown();
    const plain = await decodeOtlpRequest(encodeRequest(batchToOtlp(batch()).request));
    expect(collector.received[0].headers['content-encoding']).toBe('gzip');
    expect(collector.received[0].request).toEqual(plain);
  });
});

describe('OTLP exporter options', () => {
  test.each([
    [{ url: 'ftp://x/v1development/profiles' }, 'url must be an http: or https: URL (actual: "ftp://x/v1development/profiles")'],
    [{ url: 'http://u:p@x/' }, 'url must be a URL without credentials (use basicAuth)'],
    [{ timeoutMillis: 0 }, 'timeoutMillis must be an integer from 1 to 2147483647 (actual: 0)'],
    [{ maxQueueItems: 1.5 }, 'maxQueueItems must be a positive integer (actual: 1.5)'],
    [{ compression: 'br' }, 'compression must be "gzip" or "none" (actual: "br")'],
    [{ headers: { 'bad header': 'x' } }, 'headers key must be an HTTP header name (actual: "bad header")'],
    [{ headers: { authorization: 'Bearer \u2713' } }, 'headers["authorization"] must be a string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: "Bearer \u2713")'],
    [{ resourceAttributes: { a: { nested: 1 } } }, 'resourceAttributes["a"] must be a string, finite number, boolean, or an array of one of those kinds'],
    [{ timeoutMs: 5 }, 'OTLP exporter options: unknown option "timeoutMs"'],
    [{ backoff: { jitter: 2 } }, 'backoff.jitter must be a number between 0 and 1 (actual: 2)'],
  ])('%j throws PPROF_ERR_INVALID_ARG', (options, message) => {
    expect(() => createOtlpExporter({ env: {}, ...(options as object) })).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message: expect.stringContaining(message) }));
  });

  test.each([
    [{}, 'http://localhost:4318/v1development/profiles'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'http://c:4318/v1development/profiles'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://gw.example/otlp/' }, 'https://gw.example/otlp/v1development/profiles'],
    [{ OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: 'http://p:4040/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'http://p:4040/custom'],
    [{ OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: '  ', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'http://c:4318/v1development/profiles'],
    [{ OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: 'not a url', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'http://c:4318/v1development/profiles'],
  ])('env %j -> %s', (env, url) => {
    expect(createOtlpExporter({ env, reportEnvIssues: false }).options.url.href).toBe(url);
  });

  test('code wins over env; invalid env values are reported with name and rule, secrets redacted', () => {
    const exporter = createOtlpExporter({
      url: 'http://code:1/v1development/profiles',
      timeoutMillis: 1234,
      reportEnvIssues: false,
      env: {
        OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: 'http://env:2/x',
        OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
        OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-without-equals',
        OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL: 'grpc',
      },
    });
    expect(exporter.options.url.href).toBe('http://code:1/v1development/profiles');
    expect(exporter.options.timeoutMillis).toBe(1234);
    expect(exporter.options.envIssues.map((i) => i.message)).toEqual([
      'Configuration: OTEL_EXPORTER_OTLP_HEADERS is invalid, expected comma-separated key=value pairs with HTTP header names (percent-encoded values of printable ASCII or Latin-1) (actual: "<redacted>"); ignoring it',
      'Configuration: OTEL_EXPORTER_OTLP_TIMEOUT is invalid, expected an integer from 1 to 2147483647 (actual: "soon"); ignoring it',
      'Configuration: OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL is invalid, expected one of http/protobuf (actual: "grpc"); ignoring it',
    ]);
  });
});
