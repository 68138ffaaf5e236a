/**
 * `otelprof demo` stopped half-way leaves nothing running: on SIGTERM it stops the load and the
 * example service and exits 143 with one message; killed outright (SIGKILL, no cleanup possible),
 * the service's watchdog notices the demo is gone and stops the service itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, eventually, processesWithEnv, startOtelprof } from './support';

const dirs: string[] = [];

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Starts the demo in a fresh directory; resolves once the service is up and the load runs. */
async function demoUnderLoad(): Promise<{ demo: ReturnType<typeof startOtelprof>; serviceDir: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'otelprof-demo-stop-'));
  dirs.push(cwd);
  const demo = startOtelprof(['demo', '--seconds', '30'], cwd);
  await demo.waitFor(/\[2\/4\] driving load/);
  const serviceDir = join(cwd, 'profiles');
  // The service is found by its environment: this is what "no process left" is checked against.
  expect(processesWithEnv('OTELPROF_FILE_DIR', serviceDir)).toHaveLength(1);
  return { demo, serviceDir };
}

test('SIGTERM stops the load and the service, then exits 143 with one message', async () => {
  const { demo, serviceDir } = await demoUnderLoad();
  const sent = Date.now();
  demo.child.kill('SIGTERM');
  const ended = await demo.ended;
  expect(ended.code).toBe(143);
  expect(ended.stdout).toContain('SIGTERM: stopping the load and the example service');
  expect(ended.stderr).toContain('otelprof demo: interrupted by SIGTERM; the example service was stopped');
  expect(ended.stderr).not.toMatch(/\n\s+at /);
  // Well before the 30 s of load would have ended.
  expect(Date.now() - sent).toBeLessThan(15_000);
  expect(processesWithEnv('OTELPROF_FILE_DIR', serviceDir)).toEqual([]);
}, 60_000);

test('a demo killed with SIGKILL does not leave the service running', async () => {
  const { demo, serviceDir } = await demoUnderLoad();
  demo.child.kill('SIGKILL');
  await demo.ended;
  const gone = await eventually(() => processesWithEnv('OTELPROF_FILE_DIR', serviceDir).length === 0, 20_000);
  expect(gone).toBe(true);
}, 60_000);
