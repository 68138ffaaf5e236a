import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { servePprof, type PprofServer } from '../../src/http';
import { newProfile } from '../../src/profiles';
import { namedBurner } from '../sampler/helpers';
import { startBurnLoop, type BurnLoop } from '../support/burn-loop';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = join(__dirname, '..', 'artifacts');

let server: PprofServer;
let browser: Browser;
let burner: BurnLoop;

// A big never-inlined body: V8 would otherwise inline a small burner into its caller.
const flameBusyFunction = namedBurner('flameBusyFunction');

// A custom profile whose records come from one function through two call sites (two lines).
const twoSites = newProfile('otelprof.test/flame two-sites');
const held: object[] = [];
function addFromA(v: object): void {
  twoSites.add(v);
}
function addFromB(v: object): void {
  twoSites.add(v);
}
function twoCallSites(): void {
  for (let i = 0; i < 3; i++) held.push({ i });
  addFromA(held[0]);
  addFromB(held[1]);
  addFromB(held[2]);
}
twoCallSites();

/** Waits until the page has drawn a profile or reported an error; returns the status line. */
async function loaded(page: import('playwright-core').Page): Promise<string> {
  // Locators, not waitForFunction: a string predicate is eval'd in the page, which its CSP forbids.
  const done = page.locator('body[data-loaded="true"]').or(page.locator('#status', { hasText: /^error/ }));
  await done.first().waitFor({ timeout: 30_000 });
  return (await page.locator('#status').textContent()) ?? '';
}

beforeAll(async () => {
  server = await servePprof({ port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  burner = startBurnLoop(flameBusyFunction, 15);
  await burner.warm();
}, 120_000);
afterAll(async () => {
  burner?.stop();
  await browser?.close();
  await server?.close();
});

test('the flame graph page shows the busy function and zooms on click', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}ui/?profile=cpu&seconds=3`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
  const frame = page.locator('.frame[data-name="flameBusyFunction"]').first();
  if ((await frame.count()) === 0) {
    // Say what the page did show, so a failure is diagnosable from the log alone.
    const shown = await page.evaluate(`[document.getElementById('status').textContent,
      ...Array.from(document.querySelectorAll('.frame')).map((e) => e.dataset.name)]`);
    throw new Error(`flameBusyFunction not on the page; it shows: ${JSON.stringify(shown)}`);
  }
  await frame.waitFor();
  const before = await frame.boundingBox();
  await frame.click();
  await page.waitForSelector('#crumbs a');
  const after = await page.locator('.frame[data-name="flameBusyFunction"]').first().boundingBox();
  expect(before && after).toBeTruthy();
  // Zoomed: the clicked frame now spans the whole graph.
  expect(after!.width).toBeGreaterThan(before!.width);
  expect(after!.width).toBeGreaterThan(1000);
  await expect(page.locator('#crumbs').textContent()).resolves.toContain('zoomed on flameBusyFunction');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'flamegraph.png'), fullPage: true });
});

test('a deep link to a custom profile (ui/?profile=<name>) loads that profile', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}ui/?profile=${encodeURIComponent('otelprof.test/flame two-sites')}`);
  await expect(loaded(page)).resolves.toBe('otelprof.test/flame two-sites: 3 in 3 samples');
  await page.close();
});

test('a function called from two lines of its caller is one box, with both calls under it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}ui/?autoload=0`);
  await page.fill('#custom', 'otelprof.test/flame two-sites');
  await page.click('#load');
  await expect(loaded(page)).resolves.toMatch(/: 3 in 3 samples$/);
  const boxes = page.locator('.frame[data-name="twoCallSites"]');
  await expect(boxes.count()).resolves.toBe(1);
  const graph = await page.locator('#graph').boundingBox();
  const box = await boxes.first().boundingBox();
  // Every record passed through twoCallSites: its box spans the whole graph.
  expect(Math.round(box!.width)).toBe(Math.round(graph!.width));
  await page.close();
});

test('the page opened without its trailing slash (ui?profile=heap) still loads data', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}ui?profile=heap`);
  await expect(loaded(page)).resolves.toMatch(/^heap: /);
  await page.close();
});
