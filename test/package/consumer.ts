import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root: what `node_modules/otelprof` in a consumer project points at. */
export const repoRoot = resolve(__dirname, '..', '..');

/** Output of one child process run. */
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * A throwaway project outside the repository whose `node_modules/otelprof` is a symlink to the
 * repository, so `require('otelprof')` / `import 'otelprof'` go through package.json "exports"
 * exactly as an installed copy would. `@types` is linked too, as a TypeScript user has it installed.
 */
export function makeConsumerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'otelprof'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  return dir;
}

/** Runs the current node (the one running jest: Node 20 or 24) on a script in `cwd`; `env` adds to jest's environment. */
export function runNode(cwd: string, args: string[], timeoutMillis = 60_000, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd, timeout: timeoutMillis, maxBuffer: 16 << 20, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ stdout: String(stdout), stderr: String(stderr), code });
    });
  });
}

/** Runs the repository's TypeScript compiler (`tsc`) in `cwd` with the current node. */
export function runTsc(cwd: string, args: string[]): Promise<RunResult> {
  return runNode(cwd, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], 120_000);
}

/**
 * Builds dist/ when it is missing (`npm test` builds before jest; this covers running the package
 * tests alone with `npx jest test/package`).
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(repoRoot, 'dist', 'esm', 'index.mjs'))) return;
  const res = await runNode(repoRoot, [join(repoRoot, 'scripts', 'build.js'), '--allow-type-errors'], 180_000);
  if (res.code !== 0) throw new Error(`build failed (${res.code}): ${res.stderr}`);
}
