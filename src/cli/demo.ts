/**
 * `otelprof demo`: starts the example service (`examples/service/server.js`) with
 * `--require otelprof/register`, drives load at it, profiles it continuously for a short while,
 * and prints what it found: the top functions per profile type, where the files are, and the
 * flame graph URL (a page written next to the files, and the live one with --keep). About 15 s
 * with the defaults; the service is stopped on every path (a watchdog covers a killed demo).
 */
import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from './args';
import { writeFlameGraphFile } from './demo-flamegraph';
import { busiestFile, profileFilesByType, summarizeType } from './demo-summary';
import { DEMO_ROUTES, driveLoad, type LoadStats } from './demo-load';
import { startDemoService } from './demo-service';
import { Progress, withProgress } from './progress';
import { CommandError, InterruptedError, UsageError } from './usage-error';

export const DEMO_HELP = `Usage: otelprof demo [options]

Starts the example service (examples/service/server.js) with otelprof preloaded
(node --require otelprof/register), drives load at its /work (CPU), /alloc (allocations) and
/wait (awaits) routes, profiles it continuously (cpu, wall, heap, goroutine, block), then stops
it and prints the top functions of every profile type, where the profile files are (gzipped
pprof, readable by \`go tool pprof\`) and a flame graph page of the run that opens from disk
(<out>/otelprof-demo.flamegraph.html). Takes about 15 s with the defaults; nothing is left running.

Options:
  --seconds <n>       how long to drive load (default 12)
  --out <dir>         where the profiles go (default ./profiles)
  --pprof-port <n>    port of the service's pull endpoint (default 0: any free port)
  --keep              keep the service running afterwards (Ctrl-C stops it), to browse the flame graph
  -h, --help          show this help

Exit codes: 0 ok, 1 the demo failed (the message says why), 2 bad command line,
130/143 interrupted (Ctrl-C/SIGTERM; the service is stopped first).`;

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
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new CommandError(`otelprof demo: cannot use --out ${JSON.stringify(outDir)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const runStart = new Date();
  const say = (line = ''): void => out(`${line}\n`);

  say(`otelprof demo: profiling the example service for ${seconds}s (Node ${process.version})`);
  say('[1/4] starting examples/service/server.js with --require otelprof/register');
  const periodMillis = Math.max(2000, Math.round((seconds * 1000) / 3));
  const service = await withProgress('      waiting for the service to listen', startDemoService({
    outDir, serviceName: SERVICE, periodMillis, profileTypes: TYPES, pprofPort, startTimeoutMillis: 20_000,
    onLine: (line) => say(`      service | ${line}`),
  }));
  // Ctrl-C or a kill while the demo runs: stop the load and the service, so nothing is left
  // running (a second signal kills the service at once).
  const loadStop = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      service.child.kill('SIGKILL');
      process.exit(128 + constants.signals[signal]);
    }
    interrupted = signal;
    say(`${signal}: stopping the load and the example service`);
    loadStop.abort();
    void service.stop(10_000);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const removeSignalHandlers = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  // A service that dies mid-run ends the load at once.
  service.child.once('exit', () => loadStop.abort());
  const checkRunning = async (alive: boolean): Promise<void> => {
    if (interrupted) {
      await service.stop(10_000);
      throw new InterruptedError(`otelprof demo: interrupted by ${interrupted}; the example service was stopped`, interrupted);
    }
    if (alive && (service.child.exitCode !== null || service.child.signalCode !== null)) {
      const how = service.child.signalCode ?? `exit code ${service.child.exitCode}`;
      throw new CommandError(`the example service exited during the demo (${how}):\n${service.output.slice(-20).map((l) => `  | ${l}`).join('\n')}`);
    }
  };
  const stats: LoadStats = { requests: 0, failed: 0, byRoute: {}, lastError: undefined };
  try {
    say(`[2/4] driving load at ${service.url} for ${seconds}s: ${DEMO_ROUTES.map((r) => `${r.name} (${r.what})`).join(', ')}`);
    const progress = new Progress('      load');
    const ticker = setInterval(() => progress.update(`      load: ${stats.requests} requests, ${stats.failed} failed`), 250);
    try {
      await driveLoad(service.url, seconds * 1000, 3, stats, loadStop.signal);
    } finally {
      clearInterval(ticker);
      progress.done();
    }
    await checkRunning(true);
    const routes = Object.entries(stats.byRoute).map(([k, v]) => `${k} ${v}`).join(', ');
    say(`      ${stats.requests} requests (${routes}), ${stats.failed} failed${stats.lastError ? ` (last: ${stats.lastError})` : ''}`);
    if (stats.requests - stats.failed === 0) throw new CommandError(`no request to the example service succeeded (${stats.lastError ?? 'unknown error'})`);
    if (!args.flags.keep) {
      say('[3/4] stopping the service (SIGTERM): otelprof writes its last window before it exits');
      const how = await withProgress('      waiting for the service to exit', service.stop(15_000));
      await checkRunning(false);
      say(`      service stopped (${how})`);
    } else {
      say('[3/4] keeping the service running (--keep); the last window is written when you stop it');
    }
    removeSignalHandlers();
    return await report(outDir, runStart, service.pullUrl, Boolean(args.flags.keep), say, () => service.stop(15_000));
  } catch (err) {
    removeSignalHandlers();
    await service.stop(5000);
    throw err;
  }
}

/**
 * How the user can run this CLI again: `otelprof` when started through the installed bin, else
 * `node <path to main.js>` (a clone, where `npm run demo` started it and no `otelprof` is on PATH).
 */
function selfCommand(): string {
  const script = process.argv[1] ?? '';
  if (basename(script) === 'otelprof') return 'otelprof';
  const rel = relative(process.cwd(), script);
  return `node ${rel.startsWith('..') || isAbsolute(rel) ? script : rel}`;
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
  const busiest = busiestFile(cpu);
  const example = busiest.startsWith(process.cwd() + sep) ? relative(process.cwd(), busiest) : busiest;
  say(`Files: ${shown}/${SERVICE}.<type>.<window start>.pb.gz (gzipped pprof). Try:`);
  const self = selfCommand();
  say(`  ${self} top ${example}`);
  say(`  go tool pprof -top ${example}`);
  say(`  go tool pprof -http=: ${example}   (pprof's web UI for one file)`);
  const page = writeFlameGraphFile(outDir, SERVICE, groups);
  if (page) say(`Flame graph of this run (every type, open in a browser): ${page}`);
  if (keep) {
    if (pullUrl) say(`Live flame graph, while the service runs: ${pullUrl}ui/`);
    say('The service keeps running; press Ctrl-C to stop it.');
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    });
    await stop();
  } else if (pullUrl) {
    say(`Live flame graph: ${pullUrl}ui/ while the service runs (\`${self} demo --keep\` keeps it running).`);
  }
  return 0;
}
