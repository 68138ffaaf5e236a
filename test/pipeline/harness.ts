/**
 * Pipeline test harness: runs `fixtures/profiled-app.js` (a node:http service profiled with the
 * built `dist/`) as a child process, drives HTTP load against it and reads its counters over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import type { ProfilingOptions } from '../../src/config';

/** What the child reports about itself. */
export interface AppReport {
  type: 'stats' | 'stopped';
  rss: number;
  heapUsed: number;
  served: number;
  unhandled: number;
  uncaught: number;
  stats: { periods: number; profiles: number; collectErrors: number; exportFailures: number };
  metrics: { exported: number; retried: number; dropped: Record<string, number> };
  spans?: string[];
  /** Route 'push-observed' only: the largest delivery queue seen and its configured bounds. */
  queue?: { maxItems: number; maxBytes: number; boundItems: number; boundBytes: number };
}

/** `push`: startProfiling; `ingest`: the pipeline with the /ingest route; `push-observed`: startProfiling's pipeline composed by hand so its queue can be watched. */
export type AppRoute = 'push' | 'ingest' | 'push-observed';

/** A running profiled child service. */
export class ProfiledApp {
  port = 0;
  stderr = '';
  /** Exit code and signal once the child exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.once('exit', (code, signal) => (this.exit = { code, signal }));
  }

  /** Starts the app with `options` for `startProfiling` (or the hand-built ingest pipeline). */
  static async start(route: AppRoute, options: ProfilingOptions): Promise<ProfiledApp> {
    const child = fork(join(__dirname, 'fixtures', 'profiled-app.js'), [], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, PIPELINE_APP: JSON.stringify({ route, options }) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const app = new ProfiledApp(child);
    app.port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { type: string; port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`app exited with ${code}: ${app.stderr}`)));
    });
    return app;
  }

  private ask(type: 'stats' | 'stop'): Promise<AppReport> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => {
        this.child.off('message', onMessage);
        reject(new Error(`app exited with ${code}: ${this.stderr}`));
      };
      const onMessage = (m: AppReport): void => {
        if (m.type === (type === 'stop' ? 'stopped' : 'stats')) {
          this.child.off('message', onMessage);
          this.child.off('exit', onExit);
          resolve(m);
        }
      };
      if (this.exit) return reject(new Error(`app exited with ${this.exit.code}: ${this.stderr}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type });
    });
  }

  /** Current counters of the child. */
  stats(): Promise<AppReport> {
    return this.ask('stats');
  }

  /** Shuts the profiler down and waits for the child to exit; returns its last report. */
  async stop(): Promise<AppReport> {
    const exited = new Promise<void>((resolve) => (this.exit ? resolve() : this.child.once('exit', () => resolve())));
    const r = await this.ask('stop');
    await exited;
    return r;
  }

  /** Kills the child if it still runs (test cleanup). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** One GET to the app; resolves true on a 200 within `timeoutMillis`. Never rejects. */
export function get(port: number, timeoutMillis = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/work', agent: false, timeout: timeoutMillis }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Keeps `concurrency` requests in flight until `stop()`; counts successes and failures. */
export class Load {
  ok = 0;
  failed = 0;
  private running = true;
  private readonly loops: Promise<void>[];
  constructor(port: number, concurrency = 3) {
    this.loops = Array.from({ length: concurrency }, async () => {
      while (this.running) {
        if (await get(port)) this.ok++;
        else this.failed++;
      }
    });
  }
  /** Snapshot of the counters. */
  count(): { ok: number; failed: number } {
    return { ok: this.ok, failed: this.failed };
  }
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
