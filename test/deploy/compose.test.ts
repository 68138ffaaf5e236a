/**
 * deploy/docker-compose.yml and the files it uses, checked without Docker: every image pinned,
 * every bind mount and build input present, every config path a command names mounted, every
 * published port one the service really listens on (read from its own config), and every
 * service-to-service URL in deploy/ pointing at a compose service and one of its listen ports.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  COMPOSE_FILE, DEPLOY, REPO, PINNED_IMAGE_RE, commandArgs, composeEnv, listFiles, parseBindMount, parsePort, portOf,
  readCompose, readYaml, type ComposeService,
} from './deploy-files';
import { OTLP_PROFILES_PATH } from '../../src/config';

const compose = readCompose();
const services = compose.services;

interface CollectorConfig {
  receivers: Record<string, { protocols?: Record<string, { endpoint?: string } | null> } | null>;
  processors?: Record<string, unknown>;
  exporters: Record<string, { endpoint?: string; tls?: { insecure?: boolean } } | null>;
  extensions?: Record<string, { endpoint?: string } | null>;
  service: {
    extensions?: string[];
    telemetry?: { logs?: unknown; metrics?: { readers?: Array<{ pull?: { exporter?: { prometheus?: { host: string; port: number } } } }> } };
    pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }>;
  };
}
interface TempoConfig {
  server: { http_listen_port: number };
  distributor: { receivers: { otlp: { protocols: Record<string, { endpoint: string }> } } };
}
interface PrometheusConfig {
  scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
}

const collector = readYaml<CollectorConfig>(join(DEPLOY, 'otel-collector/config.yaml'));
const tempo = readYaml<TempoConfig>(join(DEPLOY, 'tempo/tempo.yml'));
const prometheus = readYaml<PrometheusConfig>(join(DEPLOY, 'prometheus/prometheus.yml'));

/** Defaults of images we run without a config file for the port (from their documentation). */
const IMAGE_DEFAULT_PORTS: Record<string, number[]> = {
  'grafana/pyroscope': [4040], // -server.http-listen-port default
  'grafana/grafana': [3000], // GF_SERVER_HTTP_PORT default
  'prom/prometheus': [9090], // --web.listen-address default :9090
};

/** The ports each compose service listens on, from its own configuration. */
function listenPorts(name: string, svc: ComposeService): number[] {
  const env = composeEnv(svc);
  if (svc.build || svc.image?.startsWith('otelprof-example:')) {
    const ports = [Number(env.PORT ?? 8080)];
    if (env.OTELPROF_PPROF_PORT) ports.push(Number(env.OTELPROF_PPROF_PORT));
    return ports;
  }
  if (name === 'tempo') {
    return [tempo.server.http_listen_port, ...Object.values(tempo.distributor.receivers.otlp.protocols).map((p) => portOf(p.endpoint))];
  }
  if (name === 'otel-collector') {
    const ports = Object.values(collector.receivers.otlp?.protocols ?? {}).map((p) => portOf(p?.endpoint ?? ''));
    for (const e of Object.values(collector.exporters)) if (e?.endpoint?.startsWith('0.0.0.0:')) ports.push(portOf(e.endpoint));
    for (const e of Object.values(collector.extensions ?? {})) if (e?.endpoint) ports.push(portOf(e.endpoint));
    for (const r of collector.service.telemetry?.metrics?.readers ?? []) if (r.pull?.exporter?.prometheus) ports.push(r.pull.exporter.prometheus.port);
    return ports;
  }
  const repo = (svc.image ?? '').split(':')[0];
  const ports = IMAGE_DEFAULT_PORTS[repo];
  if (!ports) throw new Error(`no listen ports known for compose service ${name} (${svc.image})`);
  return ports;
}

describe('docker-compose.yml', () => {
  const names = Object.keys(services);

  test('has the stack the issue asks for', () => {
    const images = names.map((n) => services[n].image ?? '');
    for (const repo of ['grafana/pyroscope', 'grafana/grafana', 'grafana/tempo', 'otel/opentelemetry-collector-contrib']) {
      expect(images.some((i) => i.startsWith(`${repo}:`))).toBe(true);
    }
    expect(names.filter((n) => services[n].build !== undefined).length).toBeGreaterThan(0);
  });

  test.each(names)('%s: image pinned to an exact version', (name) => {
    const image = services[name].image;
    expect(image).toMatch(PINNED_IMAGE_RE);
    expect(image).not.toMatch(/:latest$/);
  });

  test('the example image tag is the package version', () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    for (const name of names.filter((n) => services[n].build)) expect(services[name].image).toBe(`otelprof-example:${version}`);
  });

  test('Grafana runs the version whose @grafana/schema the dashboard is typed against', () => {
    const schema = JSON.parse(readFileSync(join(REPO, 'node_modules/@grafana/schema/package.json'), 'utf8')) as { version: string };
    expect(services.grafana.image).toBe(`grafana/grafana:${schema.version}`);
  });

  test.each(names.filter((n) => services[n].build))('%s: build context and Dockerfile exist', (name) => {
    const build = services[name].build!;
    const context = resolve(DEPLOY, build.context);
    expect(statSync(context).isDirectory()).toBe(true);
    expect(existsSync(join(context, build.dockerfile ?? 'Dockerfile'))).toBe(true);
    expect(existsSync(join(context, 'package.json'))).toBe(true);
  });

  test.each(names.filter((n) => (services[n].volumes ?? []).length > 0))('%s: every bind mount source exists', (name) => {
    for (const spec of services[name].volumes!) {
      const m = parseBindMount(spec);
      expect({ spec, exists: existsSync(m.source) }).toEqual({ spec, exists: true });
      expect(m.readOnly).toBe(true);
    }
  });

  test.each(names)('%s: config files named on the command line are mounted', (name) => {
    const mounts = (services[name].volumes ?? []).map(parseBindMount);
    for (const arg of commandArgs(services[name])) {
      const m = /^--?config(?:\.file)?=(.+)$/.exec(arg);
      if (!m) continue;
      const mount = mounts.find((v) => v.target === m[1]);
      expect({ arg, mounted: mount !== undefined }).toEqual({ arg, mounted: true });
      expect(statSync(mount!.source).isFile()).toBe(true);
    }
  });

  test('published ports are unique on the host and each is one the service listens on', () => {
    const hostPorts: number[] = [];
    for (const name of names) {
      const listening = listenPorts(name, services[name]);
      for (const spec of services[name].ports ?? []) {
        const p = parsePort(spec);
        expect({ name, spec, listening: listening.includes(p.container) }).toEqual({ name, spec, listening: true });
        if (p.host !== undefined) hostPorts.push(p.host);
      }
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  test('depends_on names existing services', () => {
    for (const name of names) {
      const deps = services[name].depends_on ?? [];
      for (const dep of Array.isArray(deps) ? deps : Object.keys(deps)) expect(names).toContain(dep);
    }
  });

  test('the example containers listen on all interfaces and run the documented zero-code start', () => {
    const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    const args = JSON.parse(cmd![1]) as string[];
    expect(args).toEqual(expect.arrayContaining(['--import', 'otelprof/register', 'examples/service/server.js']));
    for (const name of names.filter((n) => services[n].build && commandArgs(services[n]).length === 0)) {
      expect(composeEnv(services[name]).HOST).toBe('0.0.0.0');
    }
  });

  test('Grafana mounts provisioning and dashboards where its settings look for them', () => {
    const g = services.grafana;
    const mounts = (g.volumes ?? []).map(parseBindMount);
    const provisioning = mounts.find((m) => m.target === '/etc/grafana/provisioning');
    expect(provisioning).toBeDefined();
    expect(listFiles(provisioning!.source)).toEqual(expect.arrayContaining(['datasources/datasources.yml', 'dashboards/dashboards.yml']));
    const providers = readYaml<{ providers: Array<{ options: { path: string } }> }>(join(provisioning!.source, 'dashboards/dashboards.yml'));
    for (const p of providers.providers) {
      const dir = mounts.find((m) => m.target === p.options.path);
      expect(dir).toBeDefined();
      expect(listFiles(dir!.source).some((f) => f.endsWith('.json'))).toBe(true);
    }
    const home = composeEnv(g).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    const homeMount = mounts.find((m) => home.startsWith(`${m.target}/`));
    expect(existsSync(join(homeMount!.source, home.slice(homeMount!.target.length + 1)))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');

  test('base images pinned', () => {
    const froms = Array.from(text.matchAll(/^FROM\s+(\S+)/gm), (m) => m[1]);
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) expect(image).toMatch(PINNED_IMAGE_RE);
  });

  test('installs with npm ci, builds with npm run build, and every file it runs exists', () => {
    expect(text).toMatch(/^RUN npm ci\b/m);
    expect(text).toMatch(/^RUN npm run build$/m);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string>; exports: Record<string, unknown> };
    expect(pkg.scripts.build).toBeDefined();
    expect(Object.keys(pkg.exports)).toContain('./register');
    for (const m of text.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
      for (const src of m[1].split(/\s+/)) if (src !== '.') expect(existsSync(join(REPO, src))).toBe(true);
    }
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(text)![1]) as string[];
    for (const arg of cmd.filter((a) => a.endsWith('.js'))) expect(existsSync(join(REPO, arg))).toBe(true);
  });
});

describe('OpenTelemetry Collector config', () => {
  const { pipelines } = collector.service;

  test('pipelines refer to defined components', () => {
    for (const [name, p] of Object.entries(pipelines)) {
      for (const r of p.receivers) expect({ name, r, defined: r in collector.receivers }).toEqual({ name, r, defined: true });
      for (const x of p.processors ?? []) expect({ name, x, defined: x in (collector.processors ?? {}) }).toEqual({ name, x, defined: true });
      for (const e of p.exporters) expect({ name, e, defined: e in collector.exporters }).toEqual({ name, e, defined: true });
    }
    for (const ext of collector.service.extensions ?? []) expect(collector.extensions).toHaveProperty([ext]);
  });

  test('a profiles pipeline takes OTLP and exports to Pyroscope over OTLP/HTTP', () => {
    const profiles = pipelines.profiles;
    expect(profiles.receivers).toContain('otlp');
    const toPyroscope = profiles.exporters.filter((e) => /^(otlphttp|otlp_http)(\/|$)/.test(e));
    expect(toPyroscope.length).toBe(1);
    const url = new URL(collector.exporters[toPyroscope[0]]!.endpoint!);
    expect(url.hostname).toBe('pyroscope');
    // The exporter appends the profiles path itself; a path here would double it.
    expect(url.pathname).toBe('/');
  });

  test('the collector is started with the profiles feature gate and has service.telemetry', () => {
    expect(commandArgs(services['otel-collector'])).toContain('--feature-gates=service.profilesSupport');
    expect(collector.service.telemetry).toBeDefined();
  });

  test('OTLP receivers listen on all interfaces on the standard ports', () => {
    const protocols = collector.receivers.otlp!.protocols!;
    expect(protocols.grpc!.endpoint).toBe('0.0.0.0:4317');
    expect(protocols.http!.endpoint).toBe('0.0.0.0:4318');
  });

  test('the OTLP profiles endpoint the example uses is the path otelprof and Pyroscope serve', () => {
    const env = composeEnv(services['example-otlp']);
    const url = new URL(env.OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT);
    expect(url.pathname).toBe(OTLP_PROFILES_PATH);
    expect(env.OTELPROF_EXPORTERS).toBe('otlp');
  });
});

describe('service-to-service addresses in deploy/', () => {
  /** `[scheme://]host:port` references to compose services found in the stack's config files. */
  function references(): Array<{ where: string; host: string; port: number }> {
    const out: Array<{ where: string; host: string; port: number }> = [];
    const names = new Set(Object.keys(services));
    const files = ['otel-collector/config.yaml', 'prometheus/prometheus.yml', 'grafana/provisioning/datasources/datasources.yml', 'docker-compose.yml'];
    for (const file of files) {
      const text = readFileSync(join(DEPLOY, file), 'utf8');
      for (const m of text.matchAll(/(?:(?<=:\/\/)|(?<![\w/.-]))([a-z][a-z0-9-]*):(\d{2,5})(?![\d.])/g)) {
        if (names.has(m[1])) out.push({ where: file, host: m[1], port: Number(m[2]) });
      }
    }
    return out;
  }

  test('every one points at a compose service on a port it listens on', () => {
    const refs = references();
    // datasources (3), collector exporters (2), Prometheus targets (3), example env (4+)
    expect(refs.length).toBeGreaterThanOrEqual(12);
    for (const ref of refs) {
      const ports = listenPorts(ref.host, services[ref.host]);
      expect({ ...ref, listening: ports.includes(ref.port) }).toEqual({ ...ref, listening: true });
    }
  });

  test('Prometheus scrapes the collector exporter that carries the services metrics', () => {
    const targets = prometheus.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    const promExporter = Object.entries(collector.exporters).find(([name]) => name === 'prometheus' || name.startsWith('prometheus/'));
    expect(promExporter).toBeDefined();
    expect(targets).toContain(`otel-collector:${portOf(promExporter![1]!.endpoint!)}`);
    expect(collector.service.pipelines.metrics.exporters).toContain(promExporter![0]);
  });

  test('the compose file is where the README says', () => {
    expect(COMPOSE_FILE.endsWith('deploy/docker-compose.yml')).toBe(true);
    expect(readFileSync(join(DEPLOY, 'README.md'), 'utf8')).toContain('docker compose -f deploy/docker-compose.yml up');
  });
});
