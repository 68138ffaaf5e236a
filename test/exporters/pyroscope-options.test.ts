import { PyroscopeExporter, type PyroscopeExporterOptions } from '../../exporters/pyroscope';
import { InvalidArgumentError } from '../../src/errors';

describe('PyroscopeExporter options', () => {
  const cases: Array<[string, unknown, string]> = [
    ['endpoint not a URL', { endpoint: 'localhost:4040' }, 'endpoint must be an http: or https: URL (actual: "localhost:4040")'],
    ['endpoint ftp', { endpoint: 'ftp://x' }, 'endpoint must be an http: or https: URL'],
    ['endpoint with credentials', { endpoint: 'http://u:p@x' }, 'endpoint must be a URL without credentials (use basicAuth)'],
    ['endpoint with query', { endpoint: 'http://x/?a=1' }, 'endpoint must be a URL without query or fragment'],
    ['route', { route: 'otlp' }, 'route must be "push" or "ingest" (actual: "otlp")'],
    ['timeout', { timeoutMillis: 0 }, 'timeoutMillis must be an integer from 1 to 2147483647 (actual: 0)'],
    ['timeout NaN', { timeoutMillis: Number.NaN }, 'timeoutMillis must be an integer from 1 to 2147483647 (actual: null)'],
    // A Node timer holds at most 2^31 - 1 ms; a longer one fires after 1 ms (every request would time out at once).
    ['timeout over a timer', { timeoutMillis: 3e9 }, 'timeoutMillis must be an integer from 1 to 2147483647 (actual: 3000000000)'],
    ['backoff over a timer', { maxBackoffMillis: 2 ** 31 }, 'maxBackoffMillis must be an integer from 1 to 2147483647 (actual: 2147483648)'],
    ['retry-after cap over a timer', { maxRetryAfterMillis: 1e10 }, 'maxRetryAfterMillis must be a number from 0 to 2147483647 (actual: 10000000000)'],
    ['queue items', { maxQueueItems: -1 }, 'maxQueueItems must be a positive integer (actual: -1)'],
    ['queue bytes', { maxQueueBytes: '1MB' }, 'maxQueueBytes must be a positive integer (actual: "1MB")'],
    ['attempts', { maxAttempts: 1.5 }, 'maxAttempts must be a positive integer (actual: 1.5)'],
    ['jitter', { jitter: 2 }, 'jitter must be a number between 0 and 1 (actual: 2)'],
    ['backoff order', { initialBackoffMillis: 5000, maxBackoffMillis: 100 }, 'maxBackoffMillis must be >= initialBackoffMillis (actual: 100 < 5000)'],
    ['both auths', { authToken: 't', basicAuth: { username: 'u', password: 'p' } }, 'authToken and basicAuth are exclusive'],
    ['empty token', { authToken: '' }, 'authToken must be a non-empty string (actual: "")'],
    ['basic user colon', { basicAuth: { username: 'a:b', password: 'p' } }, 'basicAuth.username must not contain ":"'],
    ['basic missing password', { basicAuth: { username: 'a' } }, 'basicAuth must be { username: string; password: string }'],
    ['tenant chars', { tenantId: 'a b' }, "tenantId must be 1-150 characters of A-Za-z0-9!-_.*'() and not \".\" or \"..\" (actual: \"a b\")"],
    ['tenant dotdot', { tenantId: '..' }, 'tenantId must be 1-150 characters'],
    ['tenant too long', { tenantId: 'x'.repeat(151) }, 'tenantId must be 1-150 characters'],
    ['header name', { headers: { 'bad header': 'x' } }, 'headers key must be an HTTP header name (actual: "bad header")'],
    ['header value', { headers: { 'x-a': 'a\r\nb' } }, 'headers["x-a"] must be a string of printable ASCII or Latin-1 characters (no CR, LF, NUL'],
    ['header value above U+00FF', { headers: { 'x-a': '\u2713' } }, 'headers["x-a"] must be a string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: "\u2713")'],
    ['token above U+00FF, not shown', { authToken: 'glc_\u2713' }, 'authToken must be a string of printable ASCII or Latin-1 characters (no CR, LF, NUL, other control characters or characters above U+00FF) (actual: <redacted>)'],
    ['label limit floor', { maxLabelNamesPerSeries: 2 }, 'maxLabelNamesPerSeries must be an integer >= 4 (actual: 2)'],
    ['legacy flag', { legacyLabelNames: 'yes' }, 'legacyLabelNames must be a boolean (actual: "yes")'],
    ['typo', { timeoutMs: 5 }, 'PyroscopeExporter: unknown option "timeoutMs"'],
  ];
  it.each(cases)('%s', (_name, opts, message) => {
    let err: unknown;
    try {
      new PyroscopeExporter(opts as PyroscopeExporterOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).code).toBe('PPROF_ERR_INVALID_ARG');
    expect((err as Error).message).toContain(message);
  });

  it('accepts the defaults and a full valid configuration', async () => {
    const a = new PyroscopeExporter();
    const b = new PyroscopeExporter({
      endpoint: new URL('https://profiles.example.com/pyroscope'), route: 'ingest', basicAuth: { username: '1234', password: '' },
      tenantId: "t-1_.*'()!", headers: { 'X-Team': 'a' }, timeoutMillis: 1, maxQueueItems: 1, maxQueueBytes: 1, maxAttempts: 1,
      initialBackoffMillis: 1, maxBackoffMillis: 1, maxRetryAfterMillis: 0, jitter: 0, flushTimeoutMillis: 1, legacyLabelNames: true,
      maxLabelNamesPerSeries: 4, maxLabelNameLength: 16, maxLabelValueLength: 16, maxSampleLabels: 1,
    });
    await Promise.all([a.shutdown(), b.shutdown()]);
  });
});
