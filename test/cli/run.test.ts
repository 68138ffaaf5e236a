/**
 * `otelprof run -- <command>`: an unmodified app (CommonJS and ESM) started through it is profiled
 * from the environment alone, its profiles land where the environment says (files, or the
 * loopback Pyroscope collector), its own NODE_OPTIONS are kept, and its exit code is passed on;
 * a SIGTERM sent to `otelprof run` reaches the app, which flushes its last window.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topFunctions } from '../../src/cli/top';
import { decode, merge } from '../../src/pprof';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';
import { KEEP_HEAP_SAMPLES } from '../register/support';
import { cleanEnv, ensureBuilt, eventually, otelprof, repoRoot, run, startOtelprof } from './support';

const HOT = 'runChildHotFunction';
let dir: string;

/** An app that burns CPU in HOT for `millis`, yielding between slices, then exits with `exitCode`. */
function burningApp(millis: number, exitCode: number, esm: boolean): string {
  const big = Array.from({ length: 40 }, (_, i) => `x += Math.sqrt(x + ${i});`).join(' ');
  return `${esm ? '' : "'use strict';\n"}function ${HOT}(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) { ${big} } return x; }
console.log('NODE_OPTIONS=' + process.env.NODE_OPTIONS);
${KEEP_HEAP_SAMPLES}const until = Date.now() + ${millis};
const tick = () => { ${HOT}(20); if (Date.now() < until) setImmediate(tick); else process.exitCode = ${exitCode}; };
tick();
${esm ? 'export {};\n' : ''}`;
}

/** The profile files of `service` of one type in `out`, merged. */
function merged(out: string, service: string, type: string): ReturnType<typeof merge> {
  const files = readdirSync(out).filter((f) => f.startsWith(`${service}.${type}.`) && f.endsWith('.pb.gz'));
  if (files.length === 0) throw new Error(`no ${type} profile of ${service} in ${out}: ${readdirSync(out).join(', ')}`);
  return merge(files.map((f) => decode(readFileSync(join(out, f)))));
}

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'otelprof-cli-run-'));
  writeFileSync(join(dir, 'app.cjs'), burningApp(2500, 3, false));
  writeFileSync(join(dir, 'app.mjs'), burningApp(2500, 0, true));
  writeFileSync(join(dir, 'forever.cjs'), "setInterval(() => {}, 1000); console.log('app ready pid=' + process.pid);\n");
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each([
  ['CommonJS', 'app.cjs', 'cli-run-cjs', 3],
  ['ESM', 'app.mjs', 'cli-run-esm', 0],
])('the %s app is profiled to the configured directory, keeping its NODE_OPTIONS and its exit code', async (_kind, script, service, exitCode) => {
  const out = join(dir, `profiles-${service}`);
  const env = cleanEnv({
    OTELPROF_FILE_DIR: out, PYROSCOPE_UPLOAD_INTERVAL: '1s', OTELPROF_PPROF_PORT: '0',
    PYROSCOPE_APPLICATION_NAME: service, NODE_OPTIONS: '--max-old-space-size=200',
  });
  const res = await otelprof(['run', '--', process.execPath, script], { cwd: dir, env });
  expect(res.code).toBe(exitCode);
  const nodeOptions = /^NODE_OPTIONS=(.*)$/m.exec(res.stdout)?.[1] ?? '';
  expect(nodeOptions).toContain('--max-old-space-size=200');
  expect(nodeOptions).toContain(`--require "${join(repoRoot, 'dist', 'src', 'register.js')}"`);
  expect(res.stderr).toContain(`otelprof: profiling ${service} (cpu, wall, heap) every 1s to ${out}`);
  const cpu = topFunctions(merged(out, service, 'cpu'));
  expect(cpu.rows[0].name).toBe(HOT);
});

describe('with PYROSCOPE_SERVER_ADDRESS', () => {
  let collector: PyroscopeCollector;
  beforeAll(async () => {
    collector = await startPyroscopeCollector();
  });
  afterAll(() => collector.stop());

  test('the app uploads to the collector instead of writing files', async () => {
    const service = 'cli-run-pyroscope';
    const env = cleanEnv({ PYROSCOPE_SERVER_ADDRESS: collector.url, PYROSCOPE_UPLOAD_INTERVAL: '1s', PYROSCOPE_APPLICATION_NAME: service });
    const res = await otelprof(['run', process.execPath, 'app.mjs'], { cwd: dir, env });
    expect(res.code).toBe(0);
    const mine = collector.series.filter((s) => s.labels.service_name === service);
    expect([...new Set(mine.map((s) => s.labels.__name__))].sort()).toEqual(['memory', 'process_cpu', 'wall']);
    expect(mine.filter((s) => s.labels.__name__ === 'process_cpu').some((s) => s.strings.includes(HOT))).toBe(true);
    expect(collector.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f === 'profiles')).toEqual([]);
  });
});

test('a SIGTERM sent to otelprof run reaches the app, which writes its last window and dies of it (exit 143)', async () => {
  const out = join(dir, 'profiles-forever');
  const env = cleanEnv({ OTELPROF_FILE_DIR: out, PYROSCOPE_UPLOAD_INTERVAL: '60s', OTELPROF_PPROF_PORT: '0', PYROSCOPE_APPLICATION_NAME: 'cli-run-forever' });
  const p = startOtelprof(['run', '--', process.execPath, 'forever.cjs'], dir, env);
  const pid = Number((await p.waitFor(/app ready pid=(\d+)/))[1]);
  await p.waitFor(/otelprof: pull endpoint/);
  p.child.kill('SIGTERM');
  const res = await p.ended;
  expect(res.code).toBe(143);
  // A 60 s period: the only window is the one the app flushed on SIGTERM.
  expect(readdirSync(out).filter((f) => f.startsWith('cli-run-forever.cpu.'))).toHaveLength(1);
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  expect(await eventually(() => !alive(), 10_000)).toBe(true);
});

test('without a leading --, the command\'s own options and its own -- reach it exactly as typed', async () => {
  writeFileSync(join(dir, 'argv.cjs'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
  const command = [process.execPath, '--no-warnings', 'argv.cjs', '--', '--port', '3000', 'a b', '', '"q"'];
  const env = cleanEnv({ OTELPROF_EXPORTERS: 'none' });
  const direct = await run(command[0], command.slice(1), dir, env, 30_000);
  const res = await otelprof(['run', ...command], { cwd: dir, env });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  expect(res.stdout).toBe(direct.stdout);
});

test('an app killed by a signal: otelprof run exits 128 + its number', async () => {
  writeFileSync(join(dir, 'killed.cjs'), "process.kill(process.pid, 'SIGKILL');\n");
  const res = await otelprof(['run', '--', process.execPath, 'killed.cjs'], { cwd: dir, env: cleanEnv({ OTELPROF_PPROF_PORT: '0', OTELPROF_FILE_DIR: join(dir, 'profiles-killed') }) });
  expect(res.code).toBe(137);
});
