#!/usr/bin/env node
/**
 * The `otelprof` command: `demo`, `top <file|url>`, `run -- <command>`. Usage errors exit 2,
 * failures exit 1, both with one clear message on stderr.
 */
import { demoCommand, DEMO_HELP } from './demo';
import { runCommand, RUN_HELP } from './run-cli';
import { topCommand, TOP_HELP } from './top-command';
import { UsageError } from './usage-error';

export const HELP = `Usage: otelprof <command> [options]

Commands:
  demo                 profile the example service under load and show what was found
  top <file|url>       the top functions of a pprof profile (a file, or a URL such as a pull endpoint)
  run -- <command>     run a command with continuous profiling preloaded (otelprof/register)

Run \`otelprof <command> --help\` for a command's options. Zero-code start without the CLI:
  node --import otelprof/register app.js      (ESM or CommonJS)
  node -r otelprof/register app.js            (CommonJS)`;

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number | string>; help: string }> = {
  demo: { run: demoCommand, help: DEMO_HELP },
  top: { run: topCommand, help: TOP_HELP },
  run: { run: runCommand, help: RUN_HELP },
};

/** Runs the CLI on `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      const topic = name === 'help' && rest[0] ? COMMANDS[rest[0]]?.help : undefined;
      process.stdout.write(`${topic ?? HELP}\n`);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`otelprof: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    const result = await command.run(rest);
    if (typeof result === 'string') {
      process.stdout.write(`${result}\n`);
      return 0;
    }
    return result;
  } catch (err) {
    const e = err as Error & { exitCode?: number };
    const message = e.exitCode !== undefined ? e.message : `otelprof ${name}: ${e?.stack ?? String(err)}`;
    process.stderr.write(`${message.startsWith('otelprof') ? message : `otelprof ${name}: ${message}`}\n`);
    if (e instanceof UsageError) process.stderr.write(`Run \`otelprof ${COMMANDS[name] ? `${name} ` : ''}--help\` for usage.\n`);
    return e.exitCode ?? 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
