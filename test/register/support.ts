/**
 * Helpers for tests that run real node processes against the BUILT package (dist/): an app
 * directory whose node_modules/otelprof links to the repository, and child processes whose output
 * can be awaited line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, makeConsumerProject, repoRoot } from '../package/consumer';

export { ensureBuilt, repoRoot };

/** The built CLI entry point. */
export const CLI = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

/** Environment variables that would change where profiles go; tests set what they need. */
const CONFIG_PREFIXES = ['PYROSCOPE_', 'OTELPROF_', 'OTEL_'];

/** `process.env` without otelprof/Pyroscope/OTel settings and NODE_OPTIONS, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || CONFIG_PREFIXES.some((p) => k.startsWith(p))) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** A fresh app directory (outside the repo) with `node_modules/otelprof` -> the repository and the given files. */
export function makeApp(files: Record<string, string>): string {
  const dir = makeConsumerProject();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** How a child process ended, with everything it printed. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running child process whose output can be awaited. */
export interface Running {
  readonly child: ChildProcess;
  readonly ended: Promise<Ended>;
  /** Resolves with the first match of `re` in stdout+stderr (rejects if the process ends first). */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
}

/** Spawns `command args` in `cwd` with `env`; killed after `timeoutMillis`. */
export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMillis = 45_000): Running {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const notify = (): void => waiters.splice(0).forEach((w) => w());
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; notify(); });
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; notify(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMillis);
  const ended = new Promise<Ended>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
      notify();
    });
  });
  let done = false;
  void ended.then(() => { done = true; });
  const waitFor = (re: RegExp): Promise<RegExpMatchArray> => new Promise((resolve, reject) => {
    const check = (): void => {
      const m = (stdout + stderr).match(re);
      if (m) return resolve(m);
      if (done) return reject(new Error(`process ended without printing ${re}:\nstdout: ${stdout}\nstderr: ${stderr}`));
      waiters.push(check);
    };
    check();
  });
  return { child, ended, waitFor };
}

/** Runs to the end. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMillis?: number): Promise<Ended> {
  return start(command, args, cwd, env, timeoutMillis).ended;
}

/** Profile files `<service>.<type>.<time>.pb.gz` in `dir` of `type` (all types when omitted), sorted. */
export function profileFiles(dir: string, type?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((f) => f.endsWith('.pb.gz') && (type === undefined || f.split('.').at(-5) === type)).sort().map((f) => join(dir, f));
}

/**
 * A line for a test app that keeps 8 MiB of JS arrays alive to the end. V8 samples the heap every
 * 512 KiB on average, so the heap profile then has about 16 live samples (none in about 1 of 10^7
 * runs); an app that only burns CPU may have no sampled live allocation at all, and Pyroscope
 * stores nothing for an empty profile.
 */
export const KEEP_HEAP_SAMPLES = 'globalThis.keptForHeapProfile = Array.from({ length: 64 }, (_, i) => new Array(16384).fill(i));\n';

/** An app that burns CPU in `name` for `millis`, yielding between slices, then exits. */
export function burnApp(name: string, millis: number, esm = false): string {
  return `${esm ? '' : "'use strict';\n"}function ${name}(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
${KEEP_HEAP_SAMPLES}const until = Date.now() + ${millis};
const tick = () => { ${name}(20); if (Date.now() < until) setImmediate(tick); };
tick();
`;
}
