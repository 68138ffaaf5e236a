/**
 * examples/service: runs standalone (routes, PORT/HOST, graceful SIGTERM), its load generator
 * drives it, and the container's start command (deploy/Dockerfile CMD) with the compose
 * environment profiles it into a loopback Pyroscope that enforces Pyroscope's ingest rules:
 * CPU profiles under the compose service_name, the Grafana CPU type ID, `findPrimes` in them,
 * and samples linked to spans (what Tempo's "Profiles for this span" queries).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CPU_PROFILE_TYPE_ID } from '../../exporters/pyroscope/profile-types';
import { startOtlpCollector, type DecodedRequest } from '../support/otlp-collector';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { DEPLOY, REPO, composeEnv, readCompose } from './deploy-files';

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `node <args>` in the repository and waits for the service's "listening on <url>" line. */
async function startService(args: string[], env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, args, { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before listening:\n${out}`)));
  });
  return { child, url, output: () => out };
}

async function stopService(r: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (r.child.exitCode !== null) return r.child.exitCode;
  const exited = once(r.child, 'exit');
  r.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('example service, standalone', () => {
  let svc: Running;
  beforeAll(async () => {
    svc = await startService(['examples/service/server.js'], { PORT: '0' });
  });
  afterAll(async () => {
    if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
  });

  test('binds 127.0.0.1 by default and prints its URL', () => {
    expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('routes: index, CPU, allocations, await, health, errors', async () => {
    const index = await getJson(`${svc.url}/`);
    expect(Object.keys(index.body.routes as object).sort()).toEqual(['/alloc', '/wait', '/work']);
    expect(await getJson(`${svc.url}/work?n=100`)).toEqual({ status: 200, body: { route: 'work', limit: 100, primes: 25, largest: 97 } });
    const alloc = await getJson(`${svc.url}/alloc?items=1000`);
    expect(alloc.body).toMatchObject({ route: 'alloc', items: 1000 });
    const wait = await getJson(`${svc.url}/wait?ms=20`);
    expect(wait.body.route).toBe('wait');
    expect(wait.body.waitedMillis).toBeGreaterThanOrEqual(19);
    expect((await getJson(`${svc.url}/healthz`)).status).toBe(200);
    expect((await getJson(`${svc.url}/readyz`)).status).toBe(200);
    expect((await getJson(`${svc.url}/missing`)).status).toBe(404);
    expect((await getJson(`${svc.url}/work`, { method: 'POST' })).status).toBe(405);
  });

  test('the load generator drives every route without a failure', async () => {
    const child = spawn(process.execPath, ['examples/service/load.js', svc.url, '--count', '6', '--pause-ms', '0'], { cwd: REPO });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('done: 6 requests, 0 failed') });
  });

  test('SIGTERM closes the server and the process exits 0', async () => {
    const code = await stopService(svc);
    expect(code).toBe(0);
    expect(svc.output()).toContain('SIGTERM: closing');
  });
});

describe('example service settings', () => {
  test.each([['abc'], ['70000'], ['-1']])('PORT=%s is refused with a message', async (port) => {
    const child = spawn(process.execPath, ['examples/service/server.js'], { cwd: REPO, env: { PATH: process.env.PATH ?? '', PORT: port } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(err).toContain(`PORT must be an integer from 0 to 65535 (actual: "${port}")`);
  });

  test('HOST picks the bind address', async () => {
    const svc = await startService(['examples/service/server.js'], { PORT: '0', HOST: '0.0.0.0' });
    expect(svc.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(await stopService(svc)).toBe(0);
  });
});

/** The Dockerfile's CMD (exec form). */
function containerCommand(): string[] {
  const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
  expect(cmd[0]).toBe('node');
  return cmd;
}

/** Requests `/work` until `done()` holds (at most `max` requests). */
async function driveUntil(url: string, done: () => boolean, max = 200): Promise<void> {
  for (let i = 0; i < max && !done(); i++) {
    const res = await fetch(`${url}/work?n=300000`);
    await res.arrayBuffer();
  }
}

describe('the container start command with the compose environment', () => {
  let pyroscope: PyroscopeCollector;
  let otlpSink: Server;
  let otlpPaths: string[];

  beforeAll(async () => {
    pyroscope = await startPyroscopeCollector();
    otlpPaths = [];
    // Stands in for the collector's OTLP/HTTP receiver (traces and metrics from telemetry.js).
    otlpSink = createServer((req, res) => {
      otlpPaths.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
    });
    otlpSink.listen(0, '127.0.0.1');
    await once(otlpSink, 'listening');
  });
  afterAll(async () => {
    await pyroscope.stop();
    otlpSink.close();
  });

  test('profiles reach Pyroscope as Grafana expects them, linked to spans', async () => {
    expect(existsSync(join(REPO, 'dist/src/register.js'))).toBe(true); // `npm test` builds dist/ first
    const cmd = containerCommand();
    const env = composeEnv(readCompose().services.example);
    const sinkUrl = `http://127.0.0.1:${(otlpSink.address() as AddressInfo).port}`;
    const svc = await startService(cmd.slice(1), {
      ...env,
      // Loopback stand-ins for the compose hosts, a free port, and a short window for the test.
      PYROSCOPE_SERVER_ADDRESS: pyroscope.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      OTELPROF_PPROF_PORT: '0',
      OTELPROF_PPROF_HOST: '127.0.0.1',
      PYROSCOPE_UPLOAD_INTERVAL: '2s',
    });
    try {
      const seen = (): boolean =>
        pyroscope.series.some((s) => s.profileTypeIds.includes(CPU_PROFILE_TYPE_ID) && s.strings.includes('findPrimes') &&
          s.samples.some((x) => x.labels.has('span_id')));
      await driveUntil(svc.url, seen);
      expect(await stopService(svc)).toBe(0);
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
    const output = svc.output();
    const cpu = pyroscope.series.filter((s) => s.profileTypeIds.includes(CPU_PROFILE_TYPE_ID));
    expect({ cpuSeries: cpu.length > 0, output }).toEqual({ cpuSeries: true, output });
    expect(cpu.every((s) => s.labels.service_name === env.OTEL_SERVICE_NAME)).toBe(true);
    const linked = cpu.filter((s) => s.strings.includes('findPrimes') && s.samples.some((x) => /^[0-9a-f]{16}$/.test(x.labels.get('span_id') ?? '')));
    expect(linked.length).toBeGreaterThan(0);
    // The route label the service sets becomes a series label (the dashboard groups by it).
    expect(cpu.some((s) => s.labels.route === '/work')).toBe(true);
    // Every configured type arrives, and Pyroscope accepted each request.
    const names = new Set(pyroscope.series.map((s) => s.labels.__name__));
    expect(names).toEqual(new Set(['process_cpu', 'wall', 'memory']));
    expect(pyroscope.requests.filter((r) => r.status !== 200)).toEqual([]);
    // Traces went to the OTLP endpoint of the compose environment.
    expect(otlpPaths).toContain('/v1/traces');
  });

  test('example-otlp: OTLP profiles reach the collector endpoint under its service.name', async () => {
    const collector = await startOtlpCollector();
    const env = composeEnv(readCompose().services['example-otlp']);
    const sinkUrl = `http://127.0.0.1:${(otlpSink.address() as AddressInfo).port}`;
    const svc = await startService(containerCommand().slice(1), {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
      OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT: collector.url,
      PORT: '0',
      HOST: '127.0.0.1',
      PYROSCOPE_UPLOAD_INTERVAL: '2s',
    });
    const serviceName = (r: DecodedRequest): string[] =>
      (r.resourceProfiles as DecodedRequest[]).flatMap((rp) =>
        (rp.resource?.attributes ?? []).filter((a: DecodedRequest) => a.key === 'service.name').map((a: DecodedRequest) => a.value.stringValue as string),
      );
    const withWork = (): DecodedRequest[] =>
      collector.received.map((x) => x.request).filter((r) => (r.dictionary?.stringTable ?? []).includes('findPrimes'));
    try {
      await driveUntil(svc.url, () => withWork().length > 0);
      expect(await stopService(svc)).toBe(0);
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
      await collector.close();
    }
    expect({ received: withWork().length > 0, output: svc.output() }).toEqual({ received: true, output: svc.output() });
    for (const r of collector.received) expect(serviceName(r.request)).toEqual([env.OTEL_SERVICE_NAME]);
    expect(collector.attempts.filter((a) => a.status !== 200)).toEqual([]);
  });
});
