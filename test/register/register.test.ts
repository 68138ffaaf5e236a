/**
 * Zero-code start against the built package: unmodified CommonJS and ESM apps run with
 * `--import otelprof/register` and `-r otelprof/register`, profiles found in the embedded default
 * (./profiles + pull endpoint) and at a loopback Pyroscope; exit and signal behaviour kept.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decode } from '../../src/pprof';
import { goPprofOn } from '../support/go-pprof';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { burnApp, cleanEnv, ensureBuilt, makeApp, profileFiles, run, start } from './support';

let app: string;

beforeAll(async () => {
  await ensureBuilt();
  app = makeApp({
    'app.cjs': burnApp('cjsHotLoop', 1500),
    'app.mjs': burnApp('esmHotLoop', 1500, true),
    // Runs until a signal; no handler of its own.
    'forever.cjs': "setInterval(() => {}, 1000); console.log('app ready');\n",
    // Its own SIGTERM handler: stops its timer and prints, the loop then runs dry.
    'handles.cjs': `const t = setInterval(() => {}, 1000);
process.on('SIGTERM', () => { clearInterval(t); console.log('app handled SIGTERM'); });
console.log('app ready');\n`,
  });
});

const embedded = { PYROSCOPE_UPLOAD_INTERVAL: '500ms', OTELPROF_PPROF_PORT: '0', OTEL_SERVICE_NAME: 'zero-code-app' };

describe.each([
  ['CommonJS with -r', ['-r', 'otelprof/register', 'app.cjs'], 'cjsHotLoop'],
  ['CommonJS with --import', ['--import', 'otelprof/register', 'app.cjs'], 'cjsHotLoop'],
  ['ESM with --import', ['--import', 'otelprof/register', 'app.mjs'], 'esmHotLoop'],
])('%s', (_name, args, hot) => {
  it('writes profiles to ./profiles and announces the pull endpoint with its real port', async () => {
    const cwd = makeApp({ 'app.cjs': burnApp('cjsHotLoop', 1500), 'app.mjs': burnApp('esmHotLoop', 1500, true) });
    const res = await run(process.execPath, args, cwd, cleanEnv(embedded));
    expect([res.code, res.signal]).toEqual([0, null]);
    const announced = /otelprof: pull endpoint http:\/\/127\.0\.0\.1:(\d+)\/debug\/pprof\//.exec(res.stderr);
    expect(announced).not.toBeNull();
    expect(Number(announced?.[1])).toBeGreaterThan(0);
    expect(res.stderr).toContain('otelprof: profiling zero-code-app (cpu, wall, heap)');
    expect(res.stderr.match(/otelprof: pull endpoint/g)).toHaveLength(1);
    const dir = join(cwd, 'profiles');
    const cpu = profileFiles(dir, 'cpu');
    expect(cpu.length).toBeGreaterThanOrEqual(2);
    expect(profileFiles(dir, 'wall').length).toBeGreaterThanOrEqual(2);
    expect(profileFiles(dir, 'heap').length).toBeGreaterThanOrEqual(2);
    // The window with most samples is read by go tool pprof and shows the app's hot function first.
    const biggest = cpu.map((f) => readFileSync(f)).sort((a, b) => decode(b).samples.length - decode(a).samples.length)[0];
    const top = await goPprofOn(biggest, ['-top']);
    const firstRow = top.split('\n').find((l) => /^\s+[\d.]+m?s\s/.test(l));
    expect(firstRow).toContain(hot);
  });
});

describe('with PYROSCOPE_SERVER_ADDRESS', () => {
  let collector: PyroscopeCollector;
  beforeAll(async () => {
    collector = await startPyroscopeCollector();
  });
  afterAll(() => collector.stop());

  it.each([
    ['-r', ['-r', 'otelprof/register', 'app.cjs'], 'cjs-app'],
    ['--import (ESM)', ['--import', 'otelprof/register', 'app.mjs'], 'esm-app'],
  ])('uploads to the collector (%s) and uses neither files nor the pull endpoint', async (_n, args, service) => {
    const env = cleanEnv({ PYROSCOPE_SERVER_ADDRESS: collector.url, PYROSCOPE_UPLOAD_INTERVAL: '500ms', PYROSCOPE_APPLICATION_NAME: service });
    const res = await run(process.execPath, args, app, env);
    expect([res.code, res.stderr]).toEqual([0, '']);
    const mine = collector.series.filter((s) => s.labels.service_name === service);
    const names = new Set(mine.map((s) => s.labels.__name__));
    expect([...names].sort()).toEqual(['memory', 'process_cpu', 'wall']);
    expect(collector.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(profileFiles(join(app, 'profiles'))).toEqual([]);
  });
});

describe('exit and signals', () => {
  it('never keeps the app alive and flushes the last window on a normal exit', async () => {
    // A 60 s period: the only window is the one beforeExit flushes.
    const cwd = makeApp({ 'short.cjs': burnApp('shortLived', 300) });
    const res = await run(process.execPath, ['-r', 'otelprof/register', 'short.cjs'], cwd, cleanEnv({ ...embedded, PYROSCOPE_UPLOAD_INTERVAL: '60s' }));
    expect(res.code).toBe(0);
    expect(profileFiles(join(cwd, 'profiles'), 'cpu')).toHaveLength(1);
  });

  it('on SIGTERM without an app handler: flushes, then dies of SIGTERM as without otelprof', async () => {
    const cwd = makeApp({ 'forever.cjs': "setInterval(() => {}, 1000); console.log('app ready');\n" });
    const p = start(process.execPath, ['-r', 'otelprof/register', 'forever.cjs'], cwd, cleanEnv({ ...embedded, PYROSCOPE_UPLOAD_INTERVAL: '60s' }));
    await p.waitFor(/app ready/);
    await p.waitFor(/otelprof: pull endpoint/);
    p.child.kill('SIGTERM');
    const res = await p.ended;
    expect([res.code, res.signal]).toEqual([null, 'SIGTERM']);
    expect(profileFiles(join(cwd, 'profiles'), 'cpu')).toHaveLength(1);
  });

  it("on SIGTERM with the app's own handler: the app decides (here: it lets the loop end), the window is flushed", async () => {
    const cwd = makeApp({ 'handles.cjs': readFileSync(join(app, 'handles.cjs'), 'utf8') });
    const p = start(process.execPath, ['-r', 'otelprof/register', 'handles.cjs'], cwd, cleanEnv({ ...embedded, PYROSCOPE_UPLOAD_INTERVAL: '60s' }));
    await p.waitFor(/app ready/);
    await p.waitFor(/otelprof: pull endpoint/);
    p.child.kill('SIGTERM');
    const res = await p.ended;
    expect([res.code, res.signal]).toEqual([0, null]);
    expect(res.stdout).toContain('app handled SIGTERM');
    expect(profileFiles(join(cwd, 'profiles'), 'cpu')).toHaveLength(1);
  });

  it('says once that the pull port is taken and goes on without it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const cwd = makeApp({ 'app.cjs': burnApp('cjsHotLoop', 800) });
      const res = await run(process.execPath, ['-r', 'otelprof/register', 'app.cjs'], cwd, cleanEnv({ ...embedded, OTELPROF_PPROF_PORT: String(port) }));
      expect(res.code).toBe(0);
      expect(res.stderr.match(new RegExp(`port 127\\.0\\.0\\.1:${port} is in use; going on without the pull endpoint`, 'g'))).toHaveLength(1);
      expect(profileFiles(join(cwd, 'profiles'), 'cpu').length).toBeGreaterThan(0);
    } finally {
      blocker.close();
    }
  });
});
