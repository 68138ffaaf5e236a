/**
 * The environment deploy/ gives the profiled service (compose and Kubernetes): every variable is
 * one that something in the container reads (otelprof's src/config, the OTel JS SDK, or the
 * example service), the ones otelprof reads parse without a single config issue through otelprof's
 * own reader, and the Kubernetes manifests parse and are complete (probes, resources, security).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnv, resolveConfig } from '../../src/config';
import { resourceToSeriesLabels } from '../../src/otel';
import {
  DEPLOY, PINNED_IMAGE_RE, REPO, composeEnv, exampleServiceEnvNames, otelprofEnvNames, otelSdkEnvNames, readCompose, readYaml,
  readYamlDocuments,
} from './deploy-files';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: {
      metadata: { labels: Record<string, string> };
      spec: {
        containers: Container[];
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
        volumes?: Array<{ name: string }>;
      };
    };
    ports?: Array<{ name: string; port: number; targetPort: string | number }>;
  };
}

const K8S = join(DEPLOY, 'k8s');
const kustomization = readYaml<{ resources: string[] }>(join(K8S, 'kustomization.yaml'));
const objects: K8sObject[] = kustomization.resources.flatMap((f) => readYamlDocuments(join(K8S, f)) as K8sObject[]);
const secretExample = readYamlDocuments(join(K8S, 'secret.example.yaml')) as K8sObject[];
const deployment = objects.find((o) => o.kind === 'Deployment')!;
const container = deployment.spec!.template!.spec.containers[0];

/** The container's environment as Kubernetes builds it, secrets from secret.example.yaml. */
function podEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const find = (kind: string, name: string): K8sObject | undefined =>
    [...objects, ...secretExample].find((o) => o.kind === kind && o.metadata.name === name);
  for (const from of container.envFrom ?? []) {
    const src = from.configMapRef ? find('ConfigMap', from.configMapRef.name) : find('Secret', from.secretRef!.name);
    expect(src).toBeDefined();
    Object.assign(env, src!.data, src!.stringData);
  }
  for (const v of container.env ?? []) {
    if (v.value !== undefined) {
      // $(VAR) expands to a variable defined before it, as the kubelet does.
      env[v.name] = v.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);
    } else if (v.valueFrom?.secretKeyRef) {
      const ref = v.valueFrom.secretKeyRef;
      const secret = find('Secret', ref.name);
      expect(secret?.stringData).toHaveProperty([ref.key]);
      env[v.name] = secret!.stringData![ref.key];
    } else if (v.valueFrom?.fieldRef) {
      env[v.name] = 'default'; // metadata.namespace of a pod in the default namespace
    }
  }
  return env;
}

const OTELPROF = otelprofEnvNames();
const OTEL_SDK = otelSdkEnvNames();
const EXAMPLE = exampleServiceEnvNames();

/** Variables other manifest values use as `$(NAME)` (the kubelet reads them). */
const K8S_REFERENCED = new Set(
  (container.env ?? []).flatMap((v) => Array.from((v.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g), (m) => m[1])),
);

/** Who reads `name` inside the example container, or undefined when nothing does. */
function readerOf(name: string): string | undefined {
  if (OTELPROF.has(name)) return 'otelprof';
  if (K8S_REFERENCED.has(name)) return 'kubelet';
  if (/^(PYROSCOPE|OTELPROF)_/.test(name)) return undefined; // otelprof's namespaces: only src/config counts
  if (OTEL_SDK.has(name)) return 'otel-sdk';
  if (EXAMPLE.has(name)) return 'example';
  return undefined;
}

const compose = readCompose();
// The containers that run the profiled service (the load generator reuses the image with its own command).
const composeApps = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('otelprof-example:') && s.command === undefined);
const environments: Array<[string, Record<string, string>]> = [
  ...composeApps.map(([name, s]): [string, Record<string, string>] => [`compose ${name}`, composeEnv(s)]),
  ['k8s Deployment', podEnv()],
];

describe('the names otelprof reads', () => {
  test('are found in src/config (the list this test trusts)', () => {
    for (const name of [
      'PYROSCOPE_SERVER_ADDRESS', 'PYROSCOPE_APPLICATION_NAME', 'PYROSCOPE_AUTH_TOKEN', 'PYROSCOPE_BASIC_AUTH_USER',
      'PYROSCOPE_BASIC_AUTH_PASSWORD', 'PYROSCOPE_TENANT_ID', 'PYROSCOPE_LABELS', 'PYROSCOPE_UPLOAD_INTERVAL', 'OTEL_SERVICE_NAME',
      'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT',
    ]) {
      expect(OTELPROF).toContain(name);
    }
    expect([...OTELPROF].some((n) => n.startsWith('OTELPROF_'))).toBe(true);
  });
});

describe.each(environments)('%s environment', (_where, env) => {
  test('every variable has a reader in the container', () => {
    for (const name of Object.keys(env)) expect({ name, reader: readerOf(name) ?? 'nobody' }).not.toEqual({ name, reader: 'nobody' });
  });

  test("otelprof's reader accepts every value (no config issues)", () => {
    const settings = readEnv(env);
    expect(settings.issues).toEqual([]);
    const config = resolveConfig({}, env);
    expect(config.issues).toEqual([]);
    expect(config.enabled).toBe(true);
    expect(config.serviceName).toBe(env.OTEL_SERVICE_NAME);
    expect(config.exporters).toEqual(env.OTELPROF_EXPORTERS.split(','));
  });

  test('profiles land under the service_name Tempo links traces with', () => {
    expect(resourceToSeriesLabels(env).service_name).toBe(env.OTEL_SERVICE_NAME);
  });

  test('a Pyroscope-exporting service points at Pyroscope on its HTTP port', () => {
    if (!env.OTELPROF_EXPORTERS.split(',').includes('pyroscope')) return;
    const url = new URL(env.PYROSCOPE_SERVER_ADDRESS);
    expect(url.port).toBe('4040');
    expect(resolveConfig({}, env).serverAddress).toBe(env.PYROSCOPE_SERVER_ADDRESS);
  });
});

describe('Kubernetes manifests (deploy/k8s)', () => {
  test('kustomization resources exist and every document has apiVersion, kind and a name', () => {
    for (const f of kustomization.resources) expect(existsSync(join(K8S, f))).toBe(true);
    for (const o of [...objects, ...secretExample]) {
      expect(typeof o.apiVersion).toBe('string');
      expect(typeof o.kind).toBe('string');
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
  });

  test('the Deployment sets the Pyroscope variables, with credentials only from a Secret', () => {
    const env = podEnv();
    for (const name of ['PYROSCOPE_SERVER_ADDRESS', 'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'PYROSCOPE_UPLOAD_INTERVAL',
      'PYROSCOPE_BASIC_AUTH_USER', 'PYROSCOPE_BASIC_AUTH_PASSWORD', 'PYROSCOPE_AUTH_TOKEN', 'PYROSCOPE_TENANT_ID']) {
      expect(env).toHaveProperty([name]);
    }
    const secretNames = new Set(['PYROSCOPE_AUTH_TOKEN', 'PYROSCOPE_BASIC_AUTH_PASSWORD', 'PYROSCOPE_BASIC_AUTH_USER']);
    for (const v of container.env ?? []) {
      if (secretNames.has(v.name)) expect(v.valueFrom?.secretKeyRef?.optional).toBe(true);
    }
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
      for (const key of Object.keys(cm.data ?? {})) expect(secretNames.has(key)).toBe(false);
    }
    const config = resolveConfig({}, env);
    expect(config.basicAuth).toEqual({ username: env.PYROSCOPE_BASIC_AUTH_USER, password: env.PYROSCOPE_BASIC_AUTH_PASSWORD });
  });

  test('image pinned to the package version; selector matches the pod labels; Service targets the named port', () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    expect(container.image).toBe(`otelprof-example:${version}`);
    expect(container.image).toMatch(PINNED_IMAGE_RE);
    const podLabels = deployment.spec!.template!.metadata.labels;
    expect(podLabels).toMatchObject(deployment.spec!.selector!.matchLabels!);
    const service = objects.find((o) => o.kind === 'Service')!;
    const { ports: _ports, ...selector } = service.spec!.selector as Record<string, string> & { ports?: unknown };
    expect(podLabels).toMatchObject(selector);
    const portNames = (container.ports ?? []).map((p) => p.name);
    for (const p of service.spec!.ports!) expect(portNames).toContain(p.targetPort);
  });

  test('probes hit the example service health routes on its port; PORT matches containerPort', () => {
    const env = podEnv();
    const http = container.ports!.find((p) => p.name === 'http')!;
    expect(http.containerPort).toBe(Number(env.PORT));
    expect(env.HOST).toBe('0.0.0.0');
    const server = readFileSync(join(REPO, 'examples/service/server.js'), 'utf8');
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet?.port).toBe('http');
      expect(server).toContain(`'${probe!.httpGet!.path}'`);
    }
  });

  test('resources and a locked-down security context', () => {
    expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits).toMatchObject({ memory: expect.any(String) });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const pod = deployment.spec!.template!.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    // A read-only root needs a writable /tmp.
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    const tmp = (container.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
    expect(tmp && volumes.has(tmp.name)).toBe(true);
  });
});
