/** `otelprof top <file|url>`: the command around {@link topFunctions}. */
import { parseArgs } from './args';
import { withProgress } from './progress';
import { isUrl, readProfileSource, renderTop, terminalSafe, topFunctions } from './top';
import { CommandError, UsageError } from './usage-error';

export const TOP_HELP = `Usage: otelprof top <file|url> [options]

Prints the functions with the most samples of a pprof profile, like \`go tool pprof -top\`:
flat = in the function itself, cum = in it or in what it called. Reads gzipped or raw protobuf
(written by otelprof, Go or any pprof tool) and Go's legacy debug=1 text (names taken from its
comment lines, so no binary is needed).

  <file|url>              a profile file, or an http(s) URL serving one, e.g.
                          http://127.0.0.1:6060/debug/pprof/profile?seconds=5

Options:
  --sample-type <name>    which sample type to rank by (default: the profile's default, e.g. cpu)
  --nodecount <n>         how many functions to show (default 20)
  --timeout <seconds>     give up fetching a URL after this long (default 120, or 1.5 x the
                          URL's seconds= when longer, as go tool pprof)
  -h, --help              show this help

Exit codes: 0 ok, 1 the profile could not be read or fetched, 2 bad command line.`;

/** A Node timer's limit (2^31 - 1 ms): a longer one would fire at once. */
const MAX_TIMEOUT_SECONDS = 2_147_483;

/**
 * The fetch timeout without --timeout: 120 s, or, for a URL asking for `seconds=N` of profile,
 * 1.5 x N when that is longer (go tool pprof's `duration + duration/2`), so a long CPU profile is
 * not given up on before the server can answer.
 */
export function defaultTimeoutSeconds(source: string): number {
  const seconds = isUrl(source) && URL.canParse(source) ? Number(new URL(source).searchParams.get('seconds')) : 0;
  const wanted = Number.isSafeInteger(seconds) && seconds > 0 ? Math.ceil(seconds * 1.5) : 0;
  return Math.min(MAX_TIMEOUT_SECONDS, Math.max(120, wanted));
}

/** Runs the command; resolves with the text to print. Throws UsageError / CommandError. */
export async function topCommand(argv: readonly string[]): Promise<string> {
  const args = parseArgs('top', argv, { 'sample-type': 'string', nodecount: 'int', timeout: 'int' });
  if (args.flags.help) return TOP_HELP;
  if (args.positional.length !== 1) {
    throw new UsageError(args.positional.length === 0 ? 'otelprof top: missing <file|url>' : `otelprof top: expected one <file|url>, got ${args.positional.length}`);
  }
  const source = args.positional[0];
  if (isUrl(source) && !URL.canParse(source)) throw new UsageError(`otelprof top: not a valid URL: ${JSON.stringify(source)}`);
  const timeoutSeconds = (args.flags.timeout as number | undefined) ?? defaultTimeoutSeconds(source);
  if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`otelprof top: --timeout must be from 1 to ${MAX_TIMEOUT_SECONDS} seconds (actual: ${timeoutSeconds})`);
  }
  const nodeCount = (args.flags.nodecount as number | undefined) ?? 20;
  if (nodeCount < 1) throw new UsageError(`otelprof top: --nodecount must be at least 1 (actual: ${nodeCount})`);
  const profile = await withProgress(`reading ${source}`, readProfileSource(source, timeoutSeconds * 1000));
  if (profile.sampleTypes.length === 0) throw new CommandError(`${source} is not a pprof profile: it has no sample types`);
  const wanted = args.flags['sample-type'] as string | undefined;
  if (wanted !== undefined && !profile.sampleTypes.some((t) => t.type === wanted)) {
    const known = profile.sampleTypes.map((t) => terminalSafe(t.type)).join(', ');
    throw new UsageError(`otelprof top: --sample-type ${JSON.stringify(wanted)} is not in ${source} (it has: ${known})`);
  }
  const report = topFunctions(profile, wanted);
  const header: string[] = [];
  if (profile.timeNanos) header.push(`Time: ${new Date(Number(profile.timeNanos / 1_000_000n)).toISOString()}`);
  if (profile.durationNanos) header.push(`Duration: ${(profile.durationNanos / 1e9).toFixed(2)}s`);
  const types = profile.sampleTypes.map((t) => terminalSafe(`${t.type}/${t.unit}`)).join(', ');
  return [`Source: ${source}`, `Sample types: ${types}${header.length ? `  ${header.join('  ')}` : ''}`,
    renderTop(report, nodeCount)].join('\n');
}
