/**
 * Runs a TypeScript fixture in a plain-node child process through the otel tests' require hook
 * (test/otel/fixtures/register-ts.js), so it runs the sources (no rebuilt dist/ needed) in a
 * process of its own: process-global state starts fresh and jest's VM is not around it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const REGISTER_TS = join(ROOT, 'test', 'otel', 'fixtures', 'register-ts.js');

export interface TsChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `fixture`: an absolute path. Resolves once the child has exited (or was killed at `timeout`). */
export function runTsFixture(fixture: string, args: string[] = [], options: { timeout?: number; env?: NodeJS.ProcessEnv; maxBuffer?: number } = {}): Promise<TsChildResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-r', REGISTER_TS, fixture, ...args],
      { cwd: ROOT, timeout: options.timeout ?? 60_000, env: options.env, maxBuffer: options.maxBuffer ?? 1024 * 1024 },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
  });
}

/** The child's last stdout line as JSON; throws with its stderr when it did not exit with 0. */
export function lastJsonLine<T>(res: TsChildResult): T {
  if (res.code !== 0) throw new Error(`fixture exited with ${res.code}\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop() as string) as T;
}
