/** `otelprof run -- <command> [args...]`: the command around {@link runWithProfiling}. */
import { parseArgs } from './args';
import { runWithProfiling } from './run-command';
import { UsageError } from './usage-error';

export const RUN_HELP = `Usage: otelprof run [--] <command> [args...]

Runs <command> with otelprof preloaded into every Node.js process it starts (NODE_OPTIONS gets
--require otelprof/register), so an unmodified app is profiled continuously. Configure it with
the environment: PYROSCOPE_SERVER_ADDRESS=http://localhost:4040 uploads to Pyroscope; with no
collector configured, profiles go to ./profiles and the pull endpoint listens on
127.0.0.1:6060 (OTELPROF_PPROF_PORT changes the port). See docs/zero-code-and-cli.md.

Examples:
  otelprof run -- node app.js
  PYROSCOPE_SERVER_ADDRESS=http://localhost:4040 otelprof run -- node server.mjs

Signals: SIGTERM sent to otelprof run is passed on to the command; so are SIGINT and SIGHUP when
not on a terminal (on a terminal, Ctrl-C reaches the command directly; a second copy would cut
its final flush short).

Note: every Node process the command starts is profiled (e.g. \`npm start\` profiles npm too);
run node directly where you can.

Exit code: the command's own (128 + signal number if it was killed); 2 for a bad command line.`;

/** Runs the command; resolves with its exit code. Throws UsageError for a bad command line. */
export async function runCommand(argv: readonly string[]): Promise<number | string> {
  // Everything from the first non-option word on belongs to the command, with or without `--`;
  // a `--` after that word is the command's own (`otelprof run node app.js -- --port 3000`).
  const firstWord = argv.findIndex((a) => !a.startsWith('-'));
  const dashes = argv.indexOf('--');
  const split = dashes >= 0 && (firstWord < 0 || dashes < firstWord) ? dashes : -1;
  const end = split >= 0 ? split : firstWord >= 0 ? firstWord : argv.length;
  const args = parseArgs('run', argv.slice(0, end), {});
  if (args.flags.help) return RUN_HELP;
  const command = argv.slice(split >= 0 ? split + 1 : end);
  if (command.length === 0) throw new UsageError('otelprof run: missing the command to run, e.g. otelprof run -- node app.js');
  return runWithProfiling(command[0], command.slice(1));
}
