#!/usr/bin/env node
/**
 * The `otelprof` command: `demo`, `top <file|url>`, `run -- <command>`. Usage errors exit 2,
 * failures exit 1, both with one clear message on stderr.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoCommand, DEMO_HELP } from './demo';
import { packageRoot } from './demo-service';
import { runCommand, RUN_HELP } from './run-cli';
import { topCommand, TOP_HELP } from './top-command';
import { UsageError } from './usage-error';

export const HELP = `Usage: otelprof <command> [options]

Commands:
  demo                 profile the example service under load and show what was found
  top <file|url>       the top functions of a pprof profile (a file, or a URL such as a pull endpoint)
  run -- <command>     run a command with continuous profiling preloaded (otelprof/register)

Options: -h, --help (this help), -v, --version.
Run \`otelprof <command> --help\` for a command's options. Zero-code start without the CLI:
  node --import otelprof/register app.js      (CommonJS or ESM app)
  node -r otelprof/register app.js            (the same, with --require)`;

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number | string>; help: string }> = {
  demo: { run: demoCommand, help: DEMO_HELP },
  top: { run: topCommand, help: TOP_HELP },
  run: { run: runCommand, help: RUN_HELP },
};

/** Runs the CLI on `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      // No command at all is a usage error: the help goes to stderr, exit code 2.
      process.stderr.write(`${HELP}\n`);
      return 2;
    }
    if (name === '-h' || name === '--help' || name === 'help') {
      const topic = name === 'help' && rest.length > 0 ? rest[0] : undefined;
      if (topic !== undefined && !COMMANDS[topic]) throw new UsageError(`otelprof help: unknown command ${JSON.stringify(topic)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
      process.stdout.write(`${topic ? COMMANDS[topic].help : HELP}\n`);
      return 0;
    }
    if (name === '--version' || name === '-v') {
      process.stdout.write(`otelprof ${packageVersion()}\n`);
      return 0;
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

/** The version in otelprof's package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
