import { parseDurationMillis, resolveConfig, type ProfilingConfig } from '../../src/config';

type Key = keyof ProfilingConfig;
const get = (c: ProfilingConfig, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);

describe('every variable: a valid value is applied', () => {
  test.each<[string, string, string, unknown]>([
    ['OTELPROF_ENABLED', 'false', 'enabled', false],
    ['OTELPROF_ENABLED', 'ON', 'enabled', true],
    ['PYROSCOPE_APPLICATION_NAME', 'checkout', 'serviceName', 'checkout'],
    ['OTEL_SERVICE_NAME', 'cart', 'serviceName', 'cart'],
    ['OTEL_RESOURCE_ATTRIBUTES', 'service.name=svc,deployment.environment.name=prod%20eu', 'resourceAttributes', { 'service.name': 'svc', 'deployment.environment.name': 'prod eu' }],
    ['OTEL_RESOURCE_ATTRIBUTES', 'service.name=svc', 'serviceName', 'svc'],
    ['PYROSCOPE_SERVER_ADDRESS', 'https://profiles-prod.grafana.net/', 'serverAddress', 'https://profiles-prod.grafana.net'],
    ['PYROSCOPE_ADHOC_SERVER_ADDRESS', 'http://adhoc:4040', 'serverAddress', 'http://adhoc:4040'],
    ['PYROSCOPE_AUTH_TOKEN', 'glc_abc', 'authToken', 'glc_abc'],
    ['PYROSCOPE_TENANT_ID', 'team-a', 'tenantId', 'team-a'],
    ['PYROSCOPE_LABELS', 'region=eu-north, pod = p-1', 'labels', { region: 'eu-north', pod: 'p-1' }],
    ['PYROSCOPE_LABELS', 'region:eu,zone:b', 'labels', { region: 'eu', zone: 'b' }],
    ['PYROSCOPE_HTTP_HEADERS', '{"X-Extra":"1"}', 'httpHeaders', { 'x-extra': '1' }],
    ['PYROSCOPE_UPLOAD_INTERVAL', '10s', 'uploadIntervalMillis', 10_000],
    ['PYROSCOPE_UPLOAD_INTERVAL', '500ms', 'uploadIntervalMillis', 500],
    ['PYROSCOPE_UPLOAD_INTERVAL', '1m30s', 'uploadIntervalMillis', 90_000],
    ['PYROSCOPE_FLUSH_INTERVAL_MS', '60000', 'uploadIntervalMillis', 60_000],
    ['OTELPROF_PROFILE_TYPES', 'cpu, heap,goroutine,cpu', 'profileTypes', ['cpu', 'heap', 'goroutine']],
    ['OTELPROF_SAMPLER', 'inspector', 'sampler', 'inspector'],
    ['OTELPROF_SAMPLER', 'NATIVE', 'sampler', 'native'],
    ['OTELPROF_CPU_HZ', '250', 'cpuHz', 250],
    ['OTELPROF_HEAP_MODE', 'all', 'heapMode', 'all'],
    ['OTELPROF_HEAP_SAMPLING_INTERVAL_BYTES', '65536', 'heapSamplingIntervalBytes', 65_536],
    ['PYROSCOPE_HEAP_SAMPLING_INTERVAL_BYTES', '131072', 'heapSamplingIntervalBytes', 131_072],
    ['OTELPROF_HEAP_STACK_DEPTH', '32', 'heapStackDepth', 32],
    ['PYROSCOPE_HEAP_STACK_DEPTH', '16', 'heapStackDepth', 16],
    ['OTELPROF_BLOCK_PROFILE_RATE', '5ms', 'blockProfileRateNanos', 5_000_000],
    ['OTELPROF_BLOCK_PROFILE_RATE', '250000', 'blockProfileRateNanos', 250_000],
    ['OTELPROF_BLOCK_PROFILE_RATE', '0', 'blockProfileRateNanos', 0],
    // A duration, as everywhere else: compound, fractional, and in minutes.
    ['OTELPROF_BLOCK_PROFILE_RATE', '1ms500us', 'blockProfileRateNanos', 1_500_000],
    ['OTELPROF_BLOCK_PROFILE_RATE', '1.5ms', 'blockProfileRateNanos', 1_500_000],
    ['OTELPROF_BLOCK_PROFILE_RATE', '1m', 'blockProfileRateNanos', 60_000_000_000],
    ['OTELPROF_MUTEX_PROFILE_FRACTION', '10', 'mutexProfileFraction', 10],
    ['OTELPROF_GOROUTINE_STACKS', 'no', 'goroutineStacks', false],
    ['OTELPROF_GOROUTINE_PROMISES', '1', 'goroutinePromises', true],
    ['OTELPROF_EXPORTERS', 'otlp,file', 'exporters', ['otlp', 'file']],
    ['OTELPROF_EXPORTERS', 'none', 'exporters', []],
    ['OTELPROF_FILE_DIR', '/var/profiles', 'fileExportDir', '/var/profiles'],
    ['OTELPROF_PPROF_PORT', '6060', 'pprofPort', 6060],
    ['OTELPROF_PPROF_HOST', '0.0.0.0', 'pprofHost', '0.0.0.0'],
    ['OTELPROF_EXPORT_TIMEOUT', '2s', 'exportTimeoutMillis', 2000],
    ['OTELPROF_EXPORT_TIMEOUT', '1500', 'exportTimeoutMillis', 1500],
    ['OTELPROF_SHUTDOWN_TIMEOUT', '250ms', 'shutdownTimeoutMillis', 250],
    ['OTELPROF_MAX_QUEUE_ITEMS', '4', 'maxQueueItems', 4],
    ['OTELPROF_MAX_QUEUE_BYTES', '1048576', 'maxQueueBytes', 1_048_576],
    ['OTELPROF_MAX_ATTEMPTS', '3', 'maxAttempts', 3],
    ['OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT', 'http://c:4318/custom', 'otlp.url', 'http://c:4318/custom'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://c:4318', 'otlp.url', 'http://c:4318/v1development/profiles'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'Authorization=Basic%20abc', 'otlp.headers', { authorization: 'Basic abc' }],
    ['OTEL_EXPORTER_OTLP_PROFILES_HEADERS', 'x-scope-orgid=t1', 'otlp.headers', { 'x-scope-orgid': 't1' }],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', 'gzip', 'otlp.compression', 'gzip'],
    ['OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION', 'gzip', 'otlp.compression', 'gzip'],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '3000', 'otlp.timeoutMillis', 3000],
    ['OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT', '4000', 'otlp.timeoutMillis', 4000],
    ['OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL', 'http/protobuf', 'issues', []],
  ])('%s=%j -> %s', (variable, value, path, expected) => {
    const c = resolveConfig({}, { [variable]: value });
    expect(get(c, path)).toEqual(expected);
    expect(c.issues).toEqual([]);
  });

  test('basic auth needs both variables', () => {
    const c = resolveConfig({}, { PYROSCOPE_BASIC_AUTH_USER: '123456', PYROSCOPE_BASIC_AUTH_PASSWORD: 'glc_secret' });
    expect(c.basicAuth).toEqual({ username: '123456', password: 'glc_secret' });
  });
});

describe('every variable: an invalid value is reported (name, rule, value) and falls back', () => {
  test.each<[string, string, string, string]>([
    ['OTELPROF_ENABLED', 'maybe', 'enabled', 'true or false'],
    ['OTEL_RESOURCE_ATTRIBUTES', 'service.name', 'resourceAttributes', 'comma-separated key=value pairs (percent-encoded)'],
    ['PYROSCOPE_SERVER_ADDRESS', 'localhost:4040', 'serverAddress', 'an http: or https: URL without credentials, query or fragment'],
    ['PYROSCOPE_ADHOC_SERVER_ADDRESS', 'ftp://x', 'serverAddress', 'an http: or https: URL without credentials, query or fragment'],
    ['PYROSCOPE_LABELS', 'region', 'labels', 'comma-separated key=value pairs with label names ([A-Za-z_][A-Za-z0-9_.]*)'],
    ['PYROSCOPE_LABELS', 'bad key=v', 'labels', 'comma-separated key=value pairs with label names ([A-Za-z_][A-Za-z0-9_.]*)'],
    // Reserved names, as for the `labels` option: `__name__` picks the profile type, `service_name` the service.
    ['PYROSCOPE_LABELS', '__name__=process_cpu', 'labels', 'comma-separated key=value pairs with label names ([A-Za-z_][A-Za-z0-9_.]*)'],
    ['PYROSCOPE_LABELS', 'region=eu,service_name=other', 'labels', 'comma-separated key=value pairs with label names ([A-Za-z_][A-Za-z0-9_.]*)'],
    ['PYROSCOPE_UPLOAD_INTERVAL', '10', 'uploadIntervalMillis', 'a duration such as 10s or 500ms, at least 1 ms'],
    ['PYROSCOPE_UPLOAD_INTERVAL', '-5s', 'uploadIntervalMillis', 'a duration such as 10s or 500ms, at least 1 ms'],
    ['PYROSCOPE_UPLOAD_INTERVAL', '0s', 'uploadIntervalMillis', 'a duration such as 10s or 500ms, at least 1 ms'],
    ['PYROSCOPE_FLUSH_INTERVAL_MS', '1e3', 'uploadIntervalMillis', 'an integer from 1 to 2147483647'],
    ['OTELPROF_PROFILE_TYPES', ' , ', 'profileTypes', 'a comma-separated list of profile types'],
    ['OTELPROF_SAMPLER', 'v8', 'sampler', 'one of native, inspector'],
    ['OTELPROF_CPU_HZ', '100.5', 'cpuHz', 'an integer from 1 to 1000'],
    ['OTELPROF_CPU_HZ', '1001', 'cpuHz', 'an integer from 1 to 1000'],
    ['OTELPROF_HEAP_MODE', 'inuse', 'heapMode', 'one of live, all'],
    ['OTELPROF_HEAP_SAMPLING_INTERVAL_BYTES', '0', 'heapSamplingIntervalBytes', 'an integer >= 1'],
    ['PYROSCOPE_HEAP_SAMPLING_INTERVAL_BYTES', '512k', 'heapSamplingIntervalBytes', 'an integer >= 1'],
    ['OTELPROF_HEAP_STACK_DEPTH', '0', 'heapStackDepth', 'an integer from 1 to 1024'],
    ['PYROSCOPE_HEAP_STACK_DEPTH', 'deep', 'heapStackDepth', 'an integer from 1 to 1024'],
    ['OTELPROF_BLOCK_PROFILE_RATE', '-1', 'blockProfileRateNanos', 'a duration such as 10ms (or a number of nanoseconds)'],
    // Past 2^53 ns the value is no integer any more (Infinity for 400 digits, which setBlockProfileRate throws on).
    ['OTELPROF_BLOCK_PROFILE_RATE', '100000000000000000000', 'blockProfileRateNanos', 'a duration such as 10ms (or a number of nanoseconds)'],
    ['OTELPROF_BLOCK_PROFILE_RATE', `1${'0'.repeat(400)}`, 'blockProfileRateNanos', 'a duration such as 10ms (or a number of nanoseconds)'],
    ['OTELPROF_BLOCK_PROFILE_RATE', '10000h', 'blockProfileRateNanos', 'a duration such as 10ms (or a number of nanoseconds)'],
    ['OTELPROF_MUTEX_PROFILE_FRACTION', '-1', 'mutexProfileFraction', 'an integer >= 0'],
    ['OTELPROF_GOROUTINE_STACKS', 'sometimes', 'goroutineStacks', 'true or false'],
    ['OTELPROF_GOROUTINE_PROMISES', '2', 'goroutinePromises', 'true or false'],
    ['OTELPROF_EXPORTERS', 'pyroscope,jaeger', 'exporters', 'a comma-separated list of pyroscope, otlp, file (or none)'],
    ['OTELPROF_PPROF_PORT', '65536', 'pprofPort', 'an integer from 0 to 65535'],
    ['OTELPROF_EXPORT_TIMEOUT', 'soon', 'exportTimeoutMillis', 'a duration such as 10s or 500ms (or a number of milliseconds), at least 1 ms'],
    ['OTELPROF_SHUTDOWN_TIMEOUT', '0', 'shutdownTimeoutMillis', 'a duration such as 10s or 500ms (or a number of milliseconds), at least 1 ms'],
    // Past a Node timer's 2^31 - 1 ms the timer fires after 1 ms: a period of 25 days would be a busy loop.
    ['PYROSCOPE_UPLOAD_INTERVAL', '597h', 'uploadIntervalMillis', 'a duration such as 10s or 500ms, at least 1 ms, at most 2147483647 ms'],
    ['PYROSCOPE_UPLOAD_INTERVAL', '600h', 'uploadIntervalMillis', 'a duration such as 10s or 500ms, at least 1 ms, at most 2147483647 ms'],
    ['PYROSCOPE_FLUSH_INTERVAL_MS', '2147483648', 'uploadIntervalMillis', 'an integer from 1 to 2147483647'],
    ['OTELPROF_EXPORT_TIMEOUT', '3000000000', 'exportTimeoutMillis', 'a duration such as 10s or 500ms (or a number of milliseconds), at least 1 ms, at most 2147483647 ms'],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '2147483648', 'otlp.timeoutMillis', 'an integer from 1 to 2147483647'],
    ['OTELPROF_MAX_QUEUE_ITEMS', '0', 'maxQueueItems', 'an integer >= 1'],
    ['OTELPROF_MAX_QUEUE_BYTES', 'big', 'maxQueueBytes', 'an integer >= 1'],
    ['OTELPROF_MAX_ATTEMPTS', '0', 'maxAttempts', 'an integer >= 1'],
    ['OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT', 'c:4318', 'otlp.url', 'an http: or https: URL without credentials, query or fragment'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://c:4318?x=1', 'otlp.url', 'an http: or https: URL without credentials, query or fragment'],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', 'br', 'otlp.compression', 'one of gzip, none'],
    ['OTEL_EXPORTER_OTLP_PROFILES_COMPRESSION', 'zstd', 'otlp.compression', 'one of gzip, none'],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '10s', 'otlp.timeoutMillis', 'an integer from 1 to 2147483647'],
    ['OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT', '-1', 'otlp.timeoutMillis', 'an integer from 1 to 2147483647'],
    ['OTEL_EXPORTER_OTLP_PROFILES_PROTOCOL', 'grpc', 'otlp', 'one of http/protobuf'],
    ['PYROSCOPE_TENANT_ID', 'team a', 'tenantId', `1-150 characters of A-Za-z0-9!-_.*'() and not "." or ".."`],
    ['PYROSCOPE_TENANT_ID', '..', 'tenantId', `1-150 characters of A-Za-z0-9!-_.*'() and not "." or ".."`],
    ['PYROSCOPE_BASIC_AUTH_USER', 'a:b', 'basicAuth', 'a user name without ":"'],
  ])('%s=%j', (variable, value, path, rule) => {
    const fallback = get(resolveConfig({}, {}), path);
    const c = resolveConfig({}, { [variable]: value });
    expect(get(c, path)).toEqual(fallback);
    expect(c.issues).toHaveLength(1);
    const [issue] = c.issues;
    expect(issue.variable).toBe(variable);
    expect(issue.value).toBe(value.trim());
    expect(issue.expected.startsWith(rule)).toBe(true);
    expect(issue.message).toBe(`Configuration: ${variable} is invalid, expected ${issue.expected} (actual: ${JSON.stringify(value.trim())}); ignoring it`);
  });

  test.each([
    ['PYROSCOPE_AUTH_TOKEN', { PYROSCOPE_AUTH_TOKEN: 'glc_token', PYROSCOPE_BASIC_AUTH_USER: 'u', PYROSCOPE_BASIC_AUTH_PASSWORD: 'p' }],
    ['PYROSCOPE_BASIC_AUTH_PASSWORD', { PYROSCOPE_BASIC_AUTH_PASSWORD: 'hunter2' }],
    ['PYROSCOPE_HTTP_HEADERS', { PYROSCOPE_HTTP_HEADERS: '{"authorization": 42}' }],
    ['OTEL_EXPORTER_OTLP_HEADERS', { OTEL_EXPORTER_OTLP_HEADERS: 'authorization' }],
    ['OTEL_EXPORTER_OTLP_PROFILES_HEADERS', { OTEL_EXPORTER_OTLP_PROFILES_HEADERS: 'a=%zz' }],
    ['PYROSCOPE_AUTH_TOKEN', { PYROSCOPE_AUTH_TOKEN: 'glc\nInjected: 1' }],
    ['PYROSCOPE_AUTH_TOKEN', { PYROSCOPE_AUTH_TOKEN: 'glc_\u2713' }],
    ['PYROSCOPE_HTTP_HEADERS', { PYROSCOPE_HTTP_HEADERS: '{"authorization": "Bearer \u2713"}' }],
    ['OTEL_EXPORTER_OTLP_HEADERS', { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20%E2%9C%93' }],
  ])('secret %s: reported with its value redacted', (variable, env) => {
    const c = resolveConfig({}, env);
    expect(c.issues.map((i) => [i.variable, i.value])).toEqual([[variable, '<redacted>']]);
    expect(c.issues[0].message).not.toContain((env as Record<string, string>)[variable]);
  });

  test('a user without a password: no basic auth, reported on the user variable', () => {
    const c = resolveConfig({}, { PYROSCOPE_BASIC_AUTH_USER: 'u' });
    expect(c.basicAuth).toBeUndefined();
    expect(c.issues.map((i) => [i.variable, i.expected])).toEqual([['PYROSCOPE_BASIC_AUTH_USER', 'PYROSCOPE_BASIC_AUTH_PASSWORD to be set too']]);
  });

  test('several bad variables are all collected, in a stable order', () => {
    const c = resolveConfig({}, { OTELPROF_CPU_HZ: 'x', PYROSCOPE_UPLOAD_INTERVAL: 'y', OTELPROF_SAMPLER: 'z' });
    expect(c.issues.map((i) => i.variable)).toEqual(['PYROSCOPE_UPLOAD_INTERVAL', 'OTELPROF_SAMPLER', 'OTELPROF_CPU_HZ']);
  });
});

describe('precedence', () => {
  test.each<[string, Record<string, string>, string, unknown]>([
    ['blank counts as unset', { PYROSCOPE_SERVER_ADDRESS: '   ' }, 'serverAddress', 'http://localhost:4040'],
    ['blank specific falls back to generic', { PYROSCOPE_APPLICATION_NAME: '', OTEL_SERVICE_NAME: 'otel' }, 'serviceName', 'otel'],
    ['PYROSCOPE_APPLICATION_NAME over OTEL_SERVICE_NAME', { PYROSCOPE_APPLICATION_NAME: 'pyro', OTEL_SERVICE_NAME: 'otel' }, 'serviceName', 'pyro'],
    ['OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES', { OTEL_SERVICE_NAME: 'otel', OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr' }, 'serviceName', 'otel'],
    ['ad-hoc address over server address', { PYROSCOPE_ADHOC_SERVER_ADDRESS: 'http://a:1', PYROSCOPE_SERVER_ADDRESS: 'http://s:2' }, 'serverAddress', 'http://a:1'],
    ['invalid ad-hoc address falls back to server address', { PYROSCOPE_ADHOC_SERVER_ADDRESS: 'nope', PYROSCOPE_SERVER_ADDRESS: 'http://s:2' }, 'serverAddress', 'http://s:2'],
    ['UPLOAD_INTERVAL over FLUSH_INTERVAL_MS', { PYROSCOPE_UPLOAD_INTERVAL: '5s', PYROSCOPE_FLUSH_INTERVAL_MS: '60000' }, 'uploadIntervalMillis', 5000],
    ['OTELPROF_ heap interval over PYROSCOPE_', { OTELPROF_HEAP_SAMPLING_INTERVAL_BYTES: '1024', PYROSCOPE_HEAP_SAMPLING_INTERVAL_BYTES: '2048' }, 'heapSamplingIntervalBytes', 1024],
    ['specific OTLP endpoint over generic', { OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: 'http://s/x', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://g' }, 'otlp.url', 'http://s/x'],
    ['invalid specific OTLP endpoint falls back to generic', { OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: 'x', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://g/' }, 'otlp.url', 'http://g/v1development/profiles'],
    ['specific OTLP headers override generic per key', { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=1', OTEL_EXPORTER_OTLP_PROFILES_HEADERS: 'a=2' }, 'otlp.headers', { a: '2', b: '1' }],
    ['specific OTLP timeout over generic', { OTEL_EXPORTER_OTLP_PROFILES_TIMEOUT: '1', OTEL_EXPORTER_OTLP_TIMEOUT: '2' }, 'otlp.timeoutMillis', 1],
    ['OTLP timeout defaults to the export timeout', { OTELPROF_EXPORT_TIMEOUT: '3s' }, 'otlp.timeoutMillis', 3000],
    ['basic auth wins over a token', { PYROSCOPE_AUTH_TOKEN: 't', PYROSCOPE_BASIC_AUTH_USER: 'u', PYROSCOPE_BASIC_AUTH_PASSWORD: 'p' }, 'authToken', undefined],
  ])('%s', (_name, env, path, expected) => {
    expect(get(resolveConfig({}, env), path)).toEqual(expected);
  });

  test('code over env over default, for a scalar and a record', () => {
    const env = { PYROSCOPE_UPLOAD_INTERVAL: '5s', PYROSCOPE_LABELS: 'a=env,b=env' };
    expect(resolveConfig({}, {}).uploadIntervalMillis).toBe(10_000);
    expect(resolveConfig({}, env).uploadIntervalMillis).toBe(5000);
    expect(resolveConfig({ uploadIntervalMillis: 7000 }, env).uploadIntervalMillis).toBe(7000);
    expect(resolveConfig({ labels: { a: 'code' } }, env).labels).toEqual({ a: 'code', b: 'env' });
  });

  test('a bad env value is ignored when code sets the option (still reported)', () => {
    const c = resolveConfig({ cpuHz: 50 }, { OTELPROF_CPU_HZ: 'fast' });
    expect(c.cpuHz).toBe(50);
    expect(c.issues.map((i) => i.variable)).toEqual(['OTELPROF_CPU_HZ']);
  });

  test('process.env is the default environment', () => {
    const saved = process.env.OTELPROF_CPU_HZ;
    process.env.OTELPROF_CPU_HZ = '123';
    try {
      expect(resolveConfig().cpuHz).toBe(123);
    } finally {
      if (saved === undefined) delete process.env.OTELPROF_CPU_HZ;
      else process.env.OTELPROF_CPU_HZ = saved;
    }
  });
});

describe('parseDurationMillis', () => {
  test.each<[string, number | undefined]>([
    ['10s', 10_000], ['500ms', 500], ['1.5s', 1500], ['1m30s', 90_000], ['2h', 7_200_000], ['250us', 0.25], ['100ns', 0.0001],
    // Go's ParseDuration also takes a number without digits before or after its point.
    ['.5s', 500], ['1.s', 1000], ['1.5m.5s', 90_500],
    ['10', undefined], ['', undefined], ['s', undefined], ['10 s', undefined], ['-1s', undefined], ['10sec', undefined], ['1d', undefined],
    ['.s', undefined], ['1..5s', undefined],
  ])('%j -> %j', (s, ms) => {
    const got = parseDurationMillis(s);
    if (ms === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(ms, 9);
  });
});
