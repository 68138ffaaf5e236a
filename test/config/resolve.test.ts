import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { DEFAULTS, loadConfig, resolveConfig, type ProfilingOptions } from '../../src/config';

const DEFAULT_OTLP = 'http://localhost:4318/v1development/profiles';

describe('defaults (empty env, no options)', () => {
  const c = resolveConfig({}, {});
  test.each([
    ['enabled', true],
    ['serverAddress', 'http://localhost:4040'],
    ['authToken', undefined],
    ['basicAuth', undefined],
    ['tenantId', undefined],
    ['labels', {}],
    ['httpHeaders', {}],
    ['resourceAttributes', {}],
    ['uploadIntervalMillis', 10_000],
    ['profileTypes', ['cpu', 'wall', 'heap']],
    ['sampler', 'native'],
    ['cpuHz', 100],
    ['heapMode', 'live'],
    ['heapSamplingIntervalBytes', 524_288],
    ['heapStackDepth', 64],
    ['blockProfileRateNanos', 10_000_000],
    ['mutexProfileFraction', 1],
    ['goroutineStacks', true],
    ['goroutinePromises', false],
    ['exporters', ['pyroscope']],
    ['fileExportDir', 'profiles'],
    ['pprofPort', undefined],
    ['pprofHost', '127.0.0.1'],
    ['exportTimeoutMillis', 10_000],
    ['shutdownTimeoutMillis', 5_000],
    ['maxQueueItems', 8],
    ['maxQueueBytes', 33_554_432],
    ['maxAttempts', 5],
    ['otlp', { url: DEFAULT_OTLP, headers: {}, compression: 'none', timeoutMillis: 10_000 }],
    ['issues', []],
  ])('%s = %j', (key, value) => {
    expect(c[key as keyof typeof c]).toEqual(value);
  });

  test('serviceName falls back to unknown_service:<argv0>, as the OTel SDK does', () => {
    expect(c.serviceName).toBe(`unknown_service:${process.argv0}`);
  });

  test('the DEFAULTS table is what resolveConfig applies', () => {
    expect(c.cpuHz).toBe(DEFAULTS.cpuHz);
    expect(c.uploadIntervalMillis).toBe(DEFAULTS.uploadIntervalMillis);
  });
});

describe('every option in code is applied and wins over the environment', () => {
  // One row per option: the option, a valid value, an env that would say otherwise, the expected resolved value.
  const env = {
    OTELPROF_ENABLED: 'true', PYROSCOPE_APPLICATION_NAME: 'from-env', OTEL_RESOURCE_ATTRIBUTES: 'k=env', PYROSCOPE_SERVER_ADDRESS: 'http://env:4040',
    PYROSCOPE_TENANT_ID: 'env-tenant', PYROSCOPE_LABELS: 'a=env', PYROSCOPE_HTTP_HEADERS: '{"x-a":"env"}', PYROSCOPE_UPLOAD_INTERVAL: '30s',
    OTELPROF_PROFILE_TYPES: 'mutex', OTELPROF_SAMPLER: 'native', OTELPROF_CPU_HZ: '50', OTELPROF_HEAP_MODE: 'live',
    OTELPROF_HEAP_SAMPLING_INTERVAL_BYTES: '1', OTELPROF_HEAP_STACK_DEPTH: '2', OTELPROF_BLOCK_PROFILE_RATE: '1ms',
    OTELPROF_MUTEX_PROFILE_FRACTION: '9', OTELPROF_GOROUTINE_STACKS: 'true', OTELPROF_GOROUTINE_PROMISES: 'false', OTELPROF_EXPORTERS: 'file',
    OTELPROF_FILE_DIR: '/env', OTELPROF_PPROF_PORT: '1', OTELPROF_PPROF_HOST: 'env-host', OTELPROF_EXPORT_TIMEOUT: '1s',
    OTELPROF_SHUTDOWN_TIMEOUT: '1s', OTELPROF_MAX_QUEUE_ITEMS: '1', OTELPROF_MAX_QUEUE_BYTES: '1', OTELPROF_MAX_ATTEMPTS: '1',
    PYROSCOPE_AUTH_TOKEN: 'env-token', OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: 'http://env:4318/p',
  };
  test.each<[keyof ProfilingOptions, unknown, unknown]>([
    ['enabled', false, false],
    ['serviceName', 'checkout', 'checkout'],
    ['resourceAttributes', { k: 'code', 'service.version': '2' }, { k: 'code', 'service.version': '2' }],
    ['serverAddress', 'https://profiles.example.com/', 'https://profiles.example.com'],
    ['authToken', 'tok', 'tok'],
    ['tenantId', 'team-a', 'team-a'],
    ['labels', { a: 'code', region: 'eu' }, { a: 'code', region: 'eu' }],
    ['httpHeaders', { 'X-A': 'code' }, { 'x-a': 'code' }],
    ['uploadIntervalMillis', 15_000, 15_000],
    ['profileTypes', ['cpu', 'allocs', 'cpu', 'myapp.requests'], ['cpu', 'allocs', 'myapp.requests']],
    ['sampler', 'inspector', 'inspector'],
    ['cpuHz', 250, 250],
    ['heapMode', 'all', 'all'],
    ['heapSamplingIntervalBytes', 65_536, 65_536],
    ['heapStackDepth', 128, 128],
    ['blockProfileRateNanos', 0, 0],
    ['mutexProfileFraction', 5, 5],
    ['goroutineStacks', false, false],
    ['goroutinePromises', true, true],
    ['exporters', ['otlp', 'pyroscope'], ['otlp', 'pyroscope']],
    ['fileExportDir', '/tmp/p', '/tmp/p'],
    ['pprofPort', 0, 0],
    ['pprofHost', '0.0.0.0', '0.0.0.0'],
    ['exportTimeoutMillis', 2500, 2500],
    ['shutdownTimeoutMillis', 750, 750],
    ['maxQueueItems', 3, 3],
    ['maxQueueBytes', 1024, 1024],
    ['maxAttempts', 2, 2],
  ])('%s', (key, value, expected) => {
    const c = resolveConfig({ [key]: value }, env);
    expect(c[key as keyof typeof c]).toEqual(expected);
  });

  test('basicAuth in code replaces a token from the environment', () => {
    const c = resolveConfig({ basicAuth: { username: '123', password: 'p' } }, env);
    expect([c.basicAuth, c.authToken]).toEqual([{ username: '123', password: 'p' }, undefined]);
  });

  test('header values may hold Latin-1; basic-auth credentials (sent base64-encoded) any Unicode', () => {
    const c = resolveConfig({ httpHeaders: { 'x-a': 'caf\u00e9' }, basicAuth: { username: 'j\u00fcrgen \u2713', password: '\u{1F511}' } }, {});
    expect([c.httpHeaders, c.basicAuth]).toEqual([{ 'x-a': 'caf\u00e9' }, { username: 'j\u00fcrgen \u2713', password: '\u{1F511}' }]);
  });

  test('otlp options win per field; headers merge over env headers', () => {
    const c = resolveConfig(
      { otlp: { url: 'http://code:4318/v1development/profiles', headers: { a: 'code' }, compression: 'gzip', timeoutMillis: 7 } },
      { ...env, OTEL_EXPORTER_OTLP_HEADERS: 'a=env,b=env' },
    );
    expect(c.otlp).toEqual({ url: 'http://code:4318/v1development/profiles', headers: { a: 'code', b: 'env' }, compression: 'gzip', timeoutMillis: 7 });
  });

  test('choosing allocs turns the default heap mode to all', () => {
    expect(resolveConfig({ profileTypes: ['heap', 'allocs'] }, {}).heapMode).toBe('all');
    expect(resolveConfig({ profileTypes: ['heap', 'allocs'], heapMode: 'live' }, {}).heapMode).toBe('live');
  });
});

describe('bad options in code throw InvalidArgumentError naming the option and the rule', () => {
  test.each<[Record<string, unknown>, string]>([
    [{ uploadIntervalMillis: -1 }, 'uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: -1)'],
    [{ uploadIntervalMillis: 1.5 }, 'uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: 1.5)'],
    [{ uploadIntervalMillis: '10s' }, 'uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: "10s")'],
    // A Node timer holds at most 2^31 - 1 ms; longer ones fire after 1 ms.
    [{ uploadIntervalMillis: 2 ** 31 }, 'uploadIntervalMillis must be an integer from 1 to 2147483647 (actual: 2147483648)'],
    [{ shutdownTimeoutMillis: 3e9 }, 'shutdownTimeoutMillis must be an integer from 1 to 2147483647 (actual: 3000000000)'],
    [{ enabled: 'yes' }, 'enabled must be a boolean (actual: "yes")'],
    [{ serviceName: '' }, 'serviceName must be a non-empty string (actual: "")'],
    [{ resourceAttributes: { a: 1 } }, 'resourceAttributes["a"] must be a string without CR, LF or NUL (actual: 1)'],
    [{ serverAddress: 'localhost:4040' }, 'serverAddress must be an http: or https: URL without credentials, query or fragment (actual: "localhost:4040")'],
    [{ serverAddress: 'http://u:p@h' }, 'serverAddress must be an http: or https: URL without credentials, query or fragment (actual: "http://u:p@h")'],
    [{ authToken: '' }, 'authToken must be a non-empty string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: <redacted>)'],
    [{ authToken: 't', basicAuth: { username: 'u', password: 'p' } }, 'authToken and basicAuth are mutually exclusive: set one'],
    [{ basicAuth: { username: 'u' } }, 'basicAuth.password must be a string without CR, LF or NUL (actual: undefined)'],
    [{ basicAuth: { user: 'u', password: 'p' } }, 'basicAuth: unknown option "user"'],
    [{ tenantId: 3 }, `tenantId must be 1-150 characters of A-Za-z0-9!-_.*'() and not "." or ".." (actual: 3)`],
    [{ tenantId: 'a/b' }, `tenantId must be 1-150 characters of A-Za-z0-9!-_.*'() and not "." or ".." (actual: "a/b")`],
    [{ authToken: 'a\r\nb' }, 'authToken must be a non-empty string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: <redacted>)'],
    [{ authToken: 'glc_\u2713' }, 'authToken must be a non-empty string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: <redacted>)'],
    [{ basicAuth: { username: 'u', password: 'a\nb' } }, 'basicAuth.password must be a string without CR, LF or NUL (actual: <redacted>)'],
    [{ basicAuth: { username: 'a:b', password: 'p' } }, 'basicAuth.username must be a string without ":" (actual: "a:b")'],
    [{ labels: { 'bad key': 'v' } }, 'labels key must be a label name ([A-Za-z_][A-Za-z0-9_.]*) (actual: "bad key")'],
    [{ labels: { __name__: 'v' } }, 'labels key must be not reserved (__* and service_name are set by otelprof) (actual: "__name__")'],
    [{ labels: { service_name: 'v' } }, 'labels key must be not reserved (__* and service_name are set by otelprof) (actual: "service_name")'],
    [{ labels: { a: 'x\ny' } }, 'labels["a"] must be a string without CR, LF or NUL (actual: "x\\ny")'],
    [{ httpHeaders: { 'a b': 'v' } }, 'httpHeaders key must be an HTTP header name (actual: "a b")'],
    [{ httpHeaders: { 'x-a': 'caf\u00e9 \u2713' } }, 'httpHeaders["x-a"] must be a string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: "caf\u00e9 \u2713")'],
    [{ httpHeaders: { 'x-a': 'a\u0001b' } }, 'httpHeaders["x-a"] must be a string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: "a\\u0001b")'],
    [{ profileTypes: [] }, 'profileTypes must be a non-empty array of profile type names without spaces'],
    [{ profileTypes: ['my profile'] }, 'profileTypes must be a non-empty array of profile type names without spaces'],
    [{ sampler: 'v8' }, 'sampler must be one of "native", "inspector" (actual: "v8")'],
    [{ cpuHz: 0 }, 'cpuHz must be an integer from 1 to 1000 (actual: 0)'],
    [{ cpuHz: 5000 }, 'cpuHz must be an integer from 1 to 1000 (actual: 5000)'],
    [{ heapMode: 'inuse' }, 'heapMode must be one of "live", "all" (actual: "inuse")'],
    [{ heapSamplingIntervalBytes: 0 }, 'heapSamplingIntervalBytes must be a positive integer (actual: 0)'],
    [{ heapStackDepth: 2000 }, 'heapStackDepth must be an integer from 1 to 1024 (actual: 2000)'],
    [{ blockProfileRateNanos: -1 }, 'blockProfileRateNanos must be a non-negative integer (actual: -1)'],
    [{ mutexProfileFraction: 0.5 }, 'mutexProfileFraction must be a non-negative integer (actual: 0.5)'],
    [{ goroutineStacks: 1 }, 'goroutineStacks must be a boolean (actual: 1)'],
    [{ goroutinePromises: 'true' }, 'goroutinePromises must be a boolean (actual: "true")'],
    [{ exporters: ['jaeger'] }, 'exporters must be an array of "pyroscope", "otlp", "file" (may be empty) (actual: ["jaeger"])'],
    [{ fileExportDir: '' }, 'fileExportDir must be a non-empty string (actual: "")'],
    [{ pprofPort: 70000 }, 'pprofPort must be an integer from 0 to 65535 (actual: 70000)'],
    [{ pprofHost: '' }, 'pprofHost must be a non-empty string (actual: "")'],
    [{ exportTimeoutMillis: 0 }, 'exportTimeoutMillis must be an integer from 1 to 2147483647 (actual: 0)'],
    [{ shutdownTimeoutMillis: Infinity }, 'shutdownTimeoutMillis must be an integer from 1 to 2147483647 (actual: null)'],
    [{ maxQueueItems: 0 }, 'maxQueueItems must be a positive integer (actual: 0)'],
    [{ maxQueueBytes: -5 }, 'maxQueueBytes must be a positive integer (actual: -5)'],
    [{ maxAttempts: 0 }, 'maxAttempts must be a positive integer (actual: 0)'],
    [{ otlp: { url: 'grpc://c:4317' } }, 'otlp.url must be an http: or https: URL without credentials, query or fragment (actual: "grpc://c:4317")'],
    [{ otlp: { compression: 'br' } }, 'otlp.compression must be one of "gzip", "none" (actual: "br")'],
    [{ otlp: { timeoutMillis: 0 } }, 'otlp.timeoutMillis must be an integer from 1 to 2147483647 (actual: 0)'],
    [{ otlp: { endpoint: 'x' } }, 'otlp: unknown option "endpoint"'],
    [{ otlp: { headers: { authorization: 'Bearer \u2713' } } }, 'otlp.headers["authorization"] must be a string of printable ASCII or Latin-1'],
    [{ uploadIntervalMs: 5 }, 'startProfiling options: unknown option "uploadIntervalMs"'],
    // A fetch Headers or a Map has no own enumerable keys: read as {}, the auth header would be dropped silently.
    [{ httpHeaders: new Headers({ authorization: 'Bearer t' }) }, 'httpHeaders must be a plain object of string values (actual: Headers {})'],
    [{ labels: new Map([['region', 'eu']]) }, 'labels must be a plain object of string values (actual: Map {})'],
    [{ otlp: { headers: new Headers({ 'x-scope-orgid': 't1' }) } }, 'otlp.headers must be a plain object of string values (actual: Headers {})'],
    [{ resourceAttributes: new Map([['service.version', '1']]) }, 'resourceAttributes must be a plain object of string values (actual: Map {})'],
  ])('%j', (options, message) => {
    let err: unknown;
    try {
      resolveConfig(options as ProfilingOptions, {});
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'InvalidArgumentError', code: 'PPROF_ERR_INVALID_ARG' });
    expect((err as Error).message.startsWith(message)).toBe(true);
  });
});

describe('loadConfig reports env issues through diag once, at start', () => {
  test('each invalid variable is warned about with its name and rule', () => {
    const warnings: string[] = [];
    const logger: DiagLogger = { error: () => {}, warn: (...args: unknown[]) => warnings.push(args.join(' ')), info: () => {}, debug: () => {}, verbose: () => {} };
    diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      const c = loadConfig({}, { PYROSCOPE_UPLOAD_INTERVAL: 'often', OTELPROF_CPU_HZ: '0' });
      expect(c.uploadIntervalMillis).toBe(10_000);
      expect(c.cpuHz).toBe(100);
      expect(c.issues.map((i) => i.variable)).toEqual(['PYROSCOPE_UPLOAD_INTERVAL', 'OTELPROF_CPU_HZ']);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('Configuration: PYROSCOPE_UPLOAD_INTERVAL is invalid, expected a duration such as 10s or 500ms');
      expect(warnings[0]).toContain('(actual: "often"); ignoring it');
      expect(warnings[1]).toContain('Configuration: OTELPROF_CPU_HZ is invalid, expected an integer from 1 to 1000 (actual: "0")');
    } finally {
      diag.disable();
    }
  });
});
