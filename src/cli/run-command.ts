/**
 * `otelprof run -- <command> [args...]`: runs a command with otelprof preloaded into every Node
 * process it starts (through NODE_OPTIONS), so an unmodified app is profiled from the environment.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { CommandError } from './usage-error';

/** The register module of this installation (the file `-r otelprof/register` resolves to). */
export const REGISTER_PATH = join(__dirname, '..', 'register.js');

/** NODE_OPTIONS with `--require <register>` added once, keeping what the user had. */
export function nodeOptionsWithRegister(existing: string | undefined, registerPath = REGISTER_PATH): string {
  const flag = `--require ${JSON.stringify(registerPath)}`;
  if (existing && existing.includes(registerPath)) return existing;
  return existing && existing.trim() !== '' ? `${existing} ${flag}` : flag;
}

/**
 * Runs the command and resolves with its exit code (128 + signal number when it was killed).
 * Rejects with CommandError when it cannot be started (e.g. not found).
 */
export function runWithProfiling(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...env, NODE_OPTIONS: nodeOptionsWithRegister(env.NODE_OPTIONS) },
    });
    // Pass on the signals a supervisor sends to us alone (`kill <pid>`, docker stop). Ctrl-C and
    // a closing terminal signal the whole foreground process group, so the child got those
    // already; a second copy would cut its exit flush short (otelprof dies on a second signal).
    const fromTerminal = process.stdin.isTTY === true || process.stderr.isTTY === true;
    const forward = (sig: NodeJS.Signals) => (): void => {
      if (fromTerminal && sig !== 'SIGTERM') return;
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, forward(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    child.on('error', (err) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      reject(new CommandError(`otelprof run: cannot start ${command}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'command not found' : err.message}`));
    });
    child.on('exit', (code, signal) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
