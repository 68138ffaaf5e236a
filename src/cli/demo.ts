/**
 * `otelprof demo`: starts the example service (`examples/service/server.js`) with
 * `--require otelprof/register`, drives load at it, profiles it continuously for a short while,
 * and prints what it found: the top functions per profile type, where the files are, and the
 * flame graph URL. About 15-25 s with the defaults.
 */
import { mkdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from './args';
import { profileFilesByType, summarizeType } from './demo-summary';
import { DEMO_ROUTES, driveLoad, type LoadStats } from './demo-load';
import { startDemoService } from './demo-service';
import { Progress } from './progress';
import { CommandError, UsageError } from './usage-error';

export const DEMO_HELP = `Usage: otelprof demo [options]

Starts the example service (examples/service/server.js) with otelprof preloaded
(node --require otelprof/register), drives load at its /work (CPU), /alloc (allocations) and
/wait (awaits) routes, profiles it continuously, then prints the top functions of every profile
type, where the profile files are and the flame graph URL.

Options:
  --seconds <n>       how long to drive load (default 12)
  --out <dir>         where the profiles go (default ./profiles)
  --pprof-port <n>    port of the service's pull endpoint (default 0: any free port)
  --keep              keep the service running afterwards (Ctrl-C stops it), to browse the flame graph
  -h, --help          show this help

Exit codes: 0 ok, 1 the demo failed (the message says why), 2 bad command line.`;

const SERVICE = 'otelprof-demo';
const TYPES = ['cpu', 'wall', 'heap', 'goroutine', 'block'];

/** Runs the demo, printing as it goes to `out`; resolves with the exit code. */
export async function demoCommand(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number | string> {
  const args = parseArgs('demo', argv, { seconds: 'int', out: 'string', 'pprof-port': 'int', keep: 'boolean' });
  if (args.flags.help) return DEMO_HELP;
  if (args.positional.length > 0) throw new UsageError(`otelprof demo: unexpected argument ${JSON.stringify(args.positional[0])}`);
  const seconds = (args.flags.seconds as number | undefined) ?? 12;
  if (seconds < 2 || seconds > 600) throw new UsageError(`otelprof demo: --seconds must be from 2 to 600 (actual: ${seconds})`);
  const pprofPort = (args.flags['pprof-port'] as number | undefined) ?? 0;
  if (pprofPort > 65535) throw new UsageError(`otelprof demo: --pprof-port must be from 0 to 65535 (actual: ${pprofPort})`);
  const outDir = resolve((args.flags.out as string | undefined) ?? 'profiles');
  mkdirSync(outDir, { recursive: true });
  const runStart = new Date();
  const say = (line = ''): void => out(`${line}\n`);

  say(`otelprof demo: profiling the example service for ${seconds}s (Node ${process.version})`);
  say('[1/4] starting examples/service/server.js with --require otelprof/register');
  const periodMillis = Math.max(2000, Math.round((seconds * 1000) / 3));
  const service = await startDemoService({
    outDir, serviceName: SERVICE, periodMillis, profileTypes: TYPES, pprofPort, startTimeoutMillis: 20_000,
    onLine: (line) => say(`      service | ${line}`),
  });
  const stats: LoadStats = { requests: 0, failed: 0, byRoute: {}, lastError: undefined };
  try {
    say(`[2/4] driving load at ${service.url}: ${DEMO_ROUTES.map((r) => `${r.name} (${r.what})`).join(', ')}`);
    const progress = new Progress('      load');
    const ticker = setInterval(() => progress.update(`      load: ${stats.requests} requests, ${stats.failed} failed`), 250);
    try {
      await driveLoad(service.url, seconds * 1000, 3, stats);
    } finally {
      clearInterval(ticker);
      progress.done();
    }
    const routes = Object.entries(stats.byRoute).map(([k, v]) => `${k} ${v}`).join(', ');
    say(`      ${stats.requests} requests (${routes}), ${stats.failed} failed${stats.lastError ? ` (last: ${stats.lastError})` : ''}`);
    if (stats.requests - stats.failed === 0) throw new CommandError(`no request to the example service succeeded (${stats.lastError ?? 'unknown error'})`);
    if (!args.flags.keep) {
      say('[3/4] stopping the service (SIGTERM): otelprof writes its last window before it exits');
      const how = await service.stop(15_000);
      say(`      service stopped (${how})`);
    } else {
      say('[3/4] keeping the service running (--keep); the last window is written when you stop it');
    }
    return report(outDir, runStart, service.pullUrl, Boolean(args.flags.keep), say, () => service.stop(15_000));
  } catch (err) {
    await service.stop(5000);
    throw err;
  }
}

async function report(
  outDir: string, runStart: Date, pullUrl: string | undefined, keep: boolean, say: (l?: string) => void, stop: () => Promise<string>,
): Promise<number> {
  const shown = outDir.startsWith(process.cwd() + sep) ? relative(process.cwd(), outDir) : outDir;
  const stamp = runStart.toISOString().replace(/[-:]/g, '').slice(0, 15);
  // Only this run's files: names carry their window's start time (UTC, sortable).
  const groups = profileFilesByType(outDir, SERVICE)
    .map((g) => ({ ...g, files: g.files.filter((f) => (f.split('.').slice(-4, -2).join('.')) >= stamp) }))
    .filter((g) => g.files.length > 0);
  const count = groups.reduce((n, g) => n + g.files.length, 0);
  say(`[4/4] ${count} profiles in ${shown}/ (${groups.map((g) => `${g.type} ${g.files.length}`).join(', ')})`);
  const cpu = groups.find((g) => g.type === 'cpu');
  if (!cpu) throw new CommandError(`no CPU profile was written to ${outDir}`);
  say();
  for (const g of groups) {
    say(summarizeType(g).text);
    say();
  }
  const example = relative(process.cwd(), cpu.files[cpu.files.length - 1]) || cpu.files[cpu.files.length - 1];
  say(`Files: ${shown}/${SERVICE}.<type>.<window start>.pb.gz (gzipped pprof). Try:`);
  say(`  otelprof top ${example}`);
  say(`  go tool pprof -top ${example}`);
  say(`  go tool pprof -http=: ${example}      (flame graph of one file in your browser)`);
  if (pullUrl) {
    say(`Flame graph of the live service: ${pullUrl}ui/${keep ? '' : '  (live while the service runs: otelprof demo --keep)'}`);
  }
  if (keep) {
    say('The service keeps running; press Ctrl-C to stop it.');
    await new Promise<void>((resolveStop) => process.once('SIGINT', () => resolveStop()));
    await stop();
  }
  return 0;
}
