/**
 * `otelprof demo`, the README's first command, run as a user runs it (from a fresh directory,
 * default options): it completes, the example service's hot function (`findPrimes`, the `/work`
 * route's prime sieve in examples/service/handlers.js) tops the CPU profile, `go tool pprof`
 * reads every file it leaves, the flame graph page it prints opens in a browser, and it leaves
 * no process behind.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { runGoPprof } from '../support/go-pprof';
import { cleanEnv, ensureBuilt, goTopRows, otelprof, processesWithEnv, run, topRows, type Ended } from './support';

const HOT_FUNCTION = 'findPrimes';
const TYPES = ['cpu', 'wall', 'heap', 'goroutine', 'block'];

let cwd: string;
let demo: Ended;
let seconds = 0;

beforeAll(async () => {
  await ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'otelprof-demo-'));
  const started = Date.now();
  demo = await otelprof(['demo'], { cwd, timeoutMillis: 100_000 });
  seconds = (Date.now() - started) / 1000;
}, 120_000);

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The text block the demo printed for one profile type (header line, then its rows). */
function section(type: string): string[] {
  const lines = demo.stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${type} (`));
  if (start < 0) throw new Error(`no ${type} section in the demo output:\n${demo.stdout}`);
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

test('runs to completion with exit code 0, well under a minute', () => {
  if (demo.code !== 0) throw new Error(`demo exited ${demo.code} (${demo.signal}):\nstdout: ${demo.stdout}\nstderr: ${demo.stderr}`);
  for (const step of ['[1/4]', '[2/4]', '[3/4]', '[4/4]']) expect(demo.stdout).toContain(step);
  expect(demo.stdout).toMatch(/service stopped \(exit code 0\)/);
  expect(demo.stdout).toMatch(/\d+ requests \(\/work \d+, \/alloc \d+, \/wait \d+\), 0 failed/);
  // Progress lines on stderr for the 12 s of load (not a terminal: one line every few seconds).
  expect(demo.stderr).toMatch(/load: \d+ requests, \d+ failed \(\d+s\)/);
  expect(seconds).toBeLessThan(60);
});

test('prints the top functions of every profile type, the hot function first in cpu', () => {
  for (const type of TYPES) {
    const [header, ...rows] = section(type);
    expect(header).toMatch(new RegExp(`^${type} \\(.+\\): \\d+ file\\(s\\), total \\S+`));
    expect(rows.length).toBeGreaterThan(0);
  }
  const firstCpuRow = section('cpu')[1];
  expect(firstCpuRow.trim().split(/\s+/).slice(2).join(' ')).toBe(HOT_FUNCTION);
});

test('leaves profiles of every type that go tool pprof reads', async () => {
  const dir = join(cwd, 'profiles');
  const files = readdirSync(dir).filter((f) => f.endsWith('.pb.gz'));
  for (const type of TYPES) expect(files.filter((f) => f.startsWith(`otelprof-demo.${type}.`)).length).toBeGreaterThan(0);
  for (const f of files) {
    const res = await runGoPprof(['-top', join(dir, f)]);
    if (res.code !== 0) throw new Error(`go tool pprof -top ${f} failed (${res.code}): ${res.stderr}`);
    expect(res.stdout).toMatch(/^Type: /m);
  }
});

test('the `top` command the demo suggests, and go tool pprof on that file, list the hot function first', async () => {
  // From a clone (no `otelprof` on PATH) the demo suggests `node <path to main.js> top <file>`.
  const m = /^ {2}node (\S+) top (profiles\/otelprof-demo\.cpu\.\S+\.pb\.gz)$/m.exec(demo.stdout);
  if (!m) throw new Error(`no top command suggested in:\n${demo.stdout}`);
  const [, script, file] = m;
  const top = await run(process.execPath, [script, 'top', file], cwd, cleanEnv());
  expect(top.code).toBe(0);
  expect(topRows(top.stdout)[0].name).toBe(HOT_FUNCTION);
  expect(demo.stdout).toContain(`  go tool pprof -top ${file}\n`);
  const go = await runGoPprof(['-top', join(cwd, file)]);
  expect(go.code).toBe(0);
  expect(goTopRows(go.stdout)[0]).toBe(HOT_FUNCTION);
});

test('the flame graph page it prints opens from disk and shows the hot function', async () => {
  const url = /^Flame graph of this run .*: (file:\S+)$/m.exec(demo.stdout)?.[1];
  expect(url).toBeDefined();
  expect(existsSync(fileURLToPath(url as string))).toBe(true);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url as string);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    await expect(page.locator('#status').textContent()).resolves.toMatch(/^cpu: /);
    expect(await page.locator(`.frame[data-name="${HOT_FUNCTION}"]`).count()).toBeGreaterThan(0);
    // Another recorded type comes from the same file; one the demo did not record says so.
    await page.selectOption('#profile', 'heap');
    await page.click('#load');
    // (Strings: this runs in the page, and the tests are typed without the DOM library.)
    await page.waitForFunction("/^heap: /.test(document.getElementById('status').textContent)", undefined, { timeout: 15_000 });
    await page.selectOption('#profile', 'mutex');
    await page.click('#load');
    await page.waitForFunction("/^error: .*no mutex profile/.test(document.getElementById('status').textContent)", undefined, { timeout: 15_000 });
  } finally {
    await browser.close();
  }
}, 60_000);

test('leaves no process running', () => {
  expect(processesWithEnv('OTELPROF_FILE_DIR', join(cwd, 'profiles'))).toEqual([]);
});
