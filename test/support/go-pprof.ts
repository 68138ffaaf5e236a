import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Output of one `go tool pprof` run. */
export interface GoPprofResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs the real `go tool pprof` (Debian's golang-go) with the given arguments. Used by every test
 * that checks a profile we write is readable by Go's tooling.
 */
export function runGoPprof(args: string[], timeoutMillis = 60_000): Promise<GoPprofResult> {
  return new Promise((resolve) => {
    execFile('go', ['tool', 'pprof', ...args], { timeout: timeoutMillis, maxBuffer: 64 << 20, env: { ...process.env, PPROF_TMPDIR: tmpdir(), HOME: process.env.HOME ?? tmpdir() } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      });
  });
}

/** Writes bytes to a fresh temporary file and returns its path. */
export function writeTempFile(bytes: Uint8Array | string, name = 'profile.pb.gz'): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-test-'));
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** Runs `go tool pprof <flags> <file>` on bytes and fails loudly when pprof rejects them. */
export async function goPprofOn(bytes: Uint8Array | string, flags: string[]): Promise<string> {
  const file = writeTempFile(bytes);
  const res = await runGoPprof([...flags, file]);
  if (res.code !== 0) throw new Error(`go tool pprof ${flags.join(' ')} failed (${res.code}): ${res.stderr}`);
  return res.stdout;
}
