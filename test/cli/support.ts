/**
 * Helpers for the CLI tests: the built `otelprof` command run as a child process (exactly what a
 * user runs), parsing of its `top` table, and a check that no process of a test is left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cleanEnv, ensureBuilt, repoRoot, run, start, type Ended, type Running } from '../register/support';

export { CLI, cleanEnv, ensureBuilt, repoRoot, run, type Ended, type Running };

/** Runs `otelprof <args>` with the node running jest (Node 20 or 24), in `cwd`, to the end. */
export function otelprof(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMillis?: number } = {}): Promise<Ended> {
  return run(process.execPath, [CLI, ...args], opts.cwd ?? repoRoot, opts.env ?? cleanEnv(), opts.timeoutMillis ?? 60_000);
}

/** Starts `otelprof <args>` without waiting for it. */
export function startOtelprof(args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv(), timeoutMillis = 90_000): Running {
  return start(process.execPath, [CLI, ...args], cwd, env, timeoutMillis);
}

/** One row of a `top` table. */
export interface TopRow {
  flat: string;
  cum: string;
  name: string;
}

/** The rows of `otelprof top` output (the table under the `flat flat% cum cum% function` header). */
export function topRows(stdout: string): TopRow[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^\s*flat\s+flat%\s+cum\s+cum%\s+function$/.test(l));
  if (header < 0) throw new Error(`no top table in:\n${stdout}`);
  return lines.slice(header + 1).filter((l) => l.trim() !== '').map((l) => {
    const parts = l.trim().split(/\s+/);
    return { flat: parts[0], cum: parts[2], name: parts.slice(4).join(' ') };
  });
}

/** The `Showing top N of M functions by <type>/<unit>, total <T>` line's type and total. */
export function topTotal(stdout: string): { by: string; total: string } {
  const m = /functions by (\S+), total (\S+)$/m.exec(stdout);
  if (!m) throw new Error(`no total line in:\n${stdout}`);
  return { by: m[1], total: m[2] };
}

/** The rows of `go tool pprof -top` output (flat flat% sum% cum cum% name). */
export function goTopRows(stdout: string): string[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^\s*flat\s+flat%\s+sum%\s+cum\s+cum%/.test(l));
  if (header < 0) throw new Error(`no go tool pprof table in:\n${stdout}`);
  return lines.slice(header + 1).filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/).slice(5).join(' '));
}

/**
 * Pids of live processes (of this user) whose environment has `name=value`: how a test finds the
 * children it caused without knowing their pids. Linux /proc; zombies (exited, not yet reaped) do not count.
 */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (/^State:\s+Z/m.test(readFileSync(join('/proc', entry, 'status'), 'utf8'))) continue;
      if (readFileSync(join('/proc', entry, 'environ'), 'latin1').split('\0').includes(wanted)) found.push(Number(entry));
    } catch {
      // gone, or not ours: not a child of this test
    }
  }
  return found;
}

/** Polls `check` until it returns true or `timeoutMillis` passed; resolves with the last result. */
export async function eventually(check: () => boolean, timeoutMillis: number, everyMillis = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMillis));
  }
}

/** What a usage/failure message looks like: the command's lines on stderr, no stack trace. */
export function stderrLines(e: Ended): string[] {
  return e.stderr.split('\n').filter((l) => l.trim() !== '');
}
