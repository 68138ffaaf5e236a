import { diag, DiagLogLevel } from '@opentelemetry/api';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { hostname } from 'node:os';
import { RESOURCE_LABEL_KEYS, resourceToSeriesLabels } from '../../src';
import { parseResourceAttributesEnv } from '../../src/otel';

const runtime = { process_runtime_name: 'nodejs', process_runtime_version: process.versions.node, host_name: hostname() };

describe('resourceToSeriesLabels from the environment', () => {
  it.each([
    ['nothing set', {}, { service_name: `unknown_service:${process.argv0}`, ...runtime }],
    ['OTEL_SERVICE_NAME', { OTEL_SERVICE_NAME: 'checkout' }, { service_name: 'checkout', ...runtime }],
    [
      'OTEL_RESOURCE_ATTRIBUTES, percent-decoded',
      { OTEL_RESOURCE_ATTRIBUTES: 'service.name=cart,service.version=1.2%2C3,deployment.environment.name=prod,k8s.pod.name=x' },
      { service_name: 'cart', service_version: '1.2,3', deployment_environment_name: 'prod', ...runtime },
    ],
    [
      'OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES',
      { OTEL_SERVICE_NAME: 'a', OTEL_RESOURCE_ATTRIBUTES: 'service.name=b,service.namespace=shop' },
      { service_name: 'a', service_namespace: 'shop', ...runtime },
    ],
    [
      'a malformed OTEL_RESOURCE_ATTRIBUTES is discarded whole',
      { OTEL_RESOURCE_ATTRIBUTES: 'service.version=1,broken', OTEL_SERVICE_NAME: 's' },
      { service_name: 's', ...runtime },
    ],
    [
      'blank values are unset',
      { OTEL_SERVICE_NAME: '  ', OTEL_RESOURCE_ATTRIBUTES: ' ' },
      { service_name: `unknown_service:${process.argv0}`, ...runtime },
    ],
    [
      'telemetry.sdk.* only when given',
      { OTEL_RESOURCE_ATTRIBUTES: 'telemetry.sdk.name=opentelemetry,telemetry.sdk.language=nodejs' },
      { service_name: `unknown_service:${process.argv0}`, telemetry_sdk_name: 'opentelemetry', telemetry_sdk_language: 'nodejs', ...runtime },
    ],
  ])('%s', (_name, env, expected) => {
    expect(resourceToSeriesLabels(env as NodeJS.ProcessEnv)).toEqual(expected);
  });
});

it('an env object with a variable named "attributes" is still read as the environment', () => {
  expect(resourceToSeriesLabels({ OTEL_SERVICE_NAME: 'e', attributes: 'x' } as NodeJS.ProcessEnv).service_name).toBe('e');
});

describe('parseResourceAttributesEnv', () => {
  it.each([
    ['a=1,b=2', { a: '1', b: '2' }],
    [' a = 1 , ,b=%3D', { a: '1', b: '=' }],
    ['a=1,b', {}],
    ['a=%E0%A4%A', {}],
    ['=1', {}],
    [undefined, {}],
  ])('%p', (raw, expected) => {
    expect(parseResourceAttributesEnv(raw)).toEqual(expected);
  });
});

describe('resourceToSeriesLabels from an SDK resource', () => {
  it('maps the default NodeSDK detectors to the documented set only', () => {
    const res = defaultResource()
      .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }))
      .merge(resourceFromAttributes({ 'service.name': 'api', 'service.version': '3.1.4', 'deployment.environment.name': 'staging' }));
    const labels = resourceToSeriesLabels(res);
    expect(labels).toEqual({
      service_name: 'api',
      service_version: '3.1.4',
      deployment_environment_name: 'staging',
      host_name: hostname(),
      process_runtime_name: 'nodejs',
      process_runtime_version: process.versions.node,
      telemetry_sdk_name: 'opentelemetry',
      telemetry_sdk_language: 'nodejs',
      telemetry_sdk_version: res.attributes['telemetry.sdk.version'],
    });
    // Every projected name is portable ([a-zA-Z_][a-zA-Z0-9_]*) and the set leaves room under
    // Pyroscope's 30: __name__, service_name, pyroscope_spy, __delta__ + 10 here + user labels.
    for (const k of Object.keys(labels)) expect(k).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    expect(RESOURCE_LABEL_KEYS.length).toBeLessThanOrEqual(10);
  });

  it('falls back to OTEL_SERVICE_NAME over an unknown_service default, and to env gaps', () => {
    const before = { ...process.env };
    process.env.OTEL_SERVICE_NAME = 'from-env';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.namespace=ns,service.version=9';
    try {
      const res = defaultResource().merge(resourceFromAttributes({ 'service.version': '1' }));
      expect(res.attributes['service.name']).toMatch(/^unknown_service/);
      const labels = resourceToSeriesLabels(res);
      expect(labels.service_name).toBe('from-env');
      expect(labels.service_namespace).toBe('ns');
      expect(labels.service_version).toBe('1');
      // Host and runtime come from the resource's detectors only.
      expect(labels.host_name).toBeUndefined();
    } finally {
      process.env = before;
    }
  });

  it('keeps an explicit service.name over OTEL_SERVICE_NAME', () => {
    expect(resourceToSeriesLabels(resourceFromAttributes({ 'service.name': 'explicit' })).service_name).toBe('explicit');
  });

  it('skips arrays and empty strings, drops values over 2048 bytes with a warning', () => {
    const warnings: string[] = [];
    diag.setLogger({ warn: (...a: unknown[]) => warnings.push(a.join(' ')), error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
    try {
      const labels = resourceToSeriesLabels(
        resourceFromAttributes({
          'service.name': 'svc',
          'service.version': ['1', '2'],
          'service.namespace': '',
          'host.name': 'h'.repeat(2049),
          'deployment.environment.name': 'é'.repeat(1024),
        }),
      );
      expect(labels).toEqual({ service_name: 'svc', deployment_environment_name: 'é'.repeat(1024) });
      expect(warnings.join('\n')).toContain('host_name');
    } finally {
      diag.disable();
    }
  });

  it('maps the settled attributes of a resource with pending async attributes, without SDK errors', async () => {
    const res = resourceFromAttributes({ 'service.name': 'svc', 'service.version': Promise.resolve('2') as unknown as string });
    expect(res.asyncAttributesPending).toBe(true);
    const errors: string[] = [];
    diag.setLogger({ error: (...a: unknown[]) => errors.push(a.join(' ')), warn() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.ERROR);
    try {
      expect(resourceToSeriesLabels(res)).toEqual({ service_name: 'svc' });
    } finally {
      diag.disable();
    }
    expect(errors).toEqual([]);
    await res.waitForAsyncAttributes?.();
    expect(resourceToSeriesLabels(res)).toEqual({ service_name: 'svc', service_version: '2' });
  });
});

describe('OTEL_RESOURCE_ATTRIBUTES read as the SDK env detector reads it', () => {
  const long = 'x'.repeat(256);
  it.each([
    ['a value over 255 characters', `service.name=cart,k8s.pod.labels=${long}`],
    ['a key over 255 characters', `service.name=cart,${long}=1`],
    ['255 characters exactly', `service.name=cart,k8s.pod.labels=${'x'.repeat(255)}`],
    ['a percent-encoded value of 255 characters', `service.name=cart,k8s.pod.labels=${'%2C'.repeat(255)}`],
  ])('%s: the same attributes as envDetector, and the same service name as the SDK resource', (_name, raw) => {
    const before = { ...process.env };
    delete process.env.OTEL_SERVICE_NAME;
    process.env.OTEL_RESOURCE_ATTRIBUTES = raw;
    try {
      expect(parseResourceAttributesEnv(raw)).toEqual(envDetector.detect().attributes);
      const res = defaultResource().merge(detectResources({ detectors: [envDetector] }));
      expect(resourceToSeriesLabels(res).service_name).toBe(res.attributes['service.name']);
      expect(resourceToSeriesLabels(process.env).service_name).toBe(res.attributes['service.name']);
    } finally {
      process.env = before;
    }
  });
});
