/**
 * The demo's service process: `examples/service/server.js` started with otelprof/register
 * preloaded and the embedded default (files + pull endpoint), its URLs read from what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REGISTER_PATH } from './run-command';
import { CommandError } from './usage-error';

/** Stops the service when the demo process is gone (see demo-watchdog.ts). */
const WATCHDOG_PATH = join(__dirname, 'demo-watchdog.js');

/** Variables that would send the demo's profiles to a collector instead of the embedded default. */
const COLLECTOR_VARS = ['PYROSCOPE_SERVER_ADDRESS', 'PYROSCOPE_ADHOC_SERVER_ADDRESS', 'OTELPROF_EXPORTERS',
  'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROFILES_ENDPOINT'];

/** The otelprof package root (the directory whose package.json is named otelprof). */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'otelprof') return dir;
    if (dirname(dir) === dir) throw new CommandError('cannot find the otelprof package root');
  }
}

/** A started service: its URL, its pull endpoint, and how to stop it. */
export interface DemoService {
  readonly url: string;
  readonly pullUrl: string | undefined;
  readonly child: ChildProcess;
  /** Output lines of the service (stdout and stderr), for error messages. */
  readonly output: string[];
  /** SIGTERM, then waits for exit (SIGKILL after `graceMillis`). Resolves with the exit code or signal. */
  stop(graceMillis: number): Promise<string>;
}

/** Settings of the service process. */
export interface DemoServiceOptions {
  outDir: string;
  serviceName: string;
  periodMillis: number;
  profileTypes: string[];
  pprofPort: number;
  startTimeoutMillis: number;
  /** Called with every output line of the service. */
  onLine?: (line: string) => void;
}

/** Starts the example service and resolves once it listens (rejects with its output if it does not). */
export function startDemoService(o: DemoServiceOptions): Promise<DemoService> {
  const server = join(packageRoot(), 'examples', 'service', 'server.js');
  if (!existsSync(server)) throw new CommandError(`the example service is missing: ${server} (otelprof demo runs from a clone of the repository)`);
  if (!existsSync(REGISTER_PATH)) throw new CommandError(`otelprof is not built: ${REGISTER_PATH} is missing (run npm run build)`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const v of COLLECTOR_VARS) delete env[v];
  Object.assign(env, {
    PORT: '0', HOST: '127.0.0.1', OTELPROF_FILE_DIR: o.outDir, OTELPROF_PPROF_PORT: String(o.pprofPort),
    PYROSCOPE_APPLICATION_NAME: o.serviceName, PYROSCOPE_UPLOAD_INTERVAL: `${o.periodMillis}ms`,
    OTELPROF_PROFILE_TYPES: o.profileTypes.join(','),
  });
  const child = spawn(process.execPath, ['--require', WATCHDOG_PATH, '--require', REGISTER_PATH, server], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let url: string | undefined;
  let pullUrl: string | undefined;
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
  return new Promise<DemoService>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${o.startTimeoutMillis / 1000}s`), o.startTimeoutMillis);
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new CommandError(`the example service ${why}:\n${output.slice(-20).map((l) => `  | ${l}`).join('\n')}`));
    };
    const onLine = (line: string): void => {
      output.push(line);
      o.onLine?.(line);
      url ??= /listening on (http:\/\/\S+)/.exec(line)?.[1];
      pullUrl ??= /pull endpoint (http:\/\/\S+)/.exec(line)?.[1];
      // The announcement comes once the pull endpoint settled; the service may listen before or after.
      const announced = pullUrl !== undefined || output.some((l) => /going on without the pull endpoint/.test(l));
      if (url !== undefined && announced && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ url, pullUrl, child, output, stop: (grace) => stopChild(child, exited, grace) });
      }
    };
    lines(child.stdout, onLine);
    lines(child.stderr, onLine);
    child.once('error', (err) => fail(`could not be started (${err.message})`));
    void exited.then((how) => fail(`exited before it was ready (${how})`));
  });
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

async function stopChild(child: ChildProcess, exited: Promise<string>, graceMillis: number): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMillis);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
