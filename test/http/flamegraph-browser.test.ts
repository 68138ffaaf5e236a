import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { servePprof, type PprofServer } from '../../src/http';
import { namedBurner } from '../sampler/helpers';
import { startBurnLoop, type BurnLoop } from '../support/burn-loop';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = join(__dirname, '..', 'artifacts');

let server: PprofServer;
let browser: Browser;
let burner: BurnLoop;

// A big never-inlined body: V8 would otherwise inline a small burner into its caller.
const flameBusyFunction = namedBurner('flameBusyFunction');

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
