/**
 * CPU windows across a wall-clock step (NTP, a resumed VM), simulated by moving `Date.now`, the
 * platform clock that epoch times (`nowNanos`) re-anchor to. Sampling itself runs on the
 * monotonic clock and must not notice.
 */
import { buildCpuProfile, openCpuWindow } from '../../src/sampler';
import { burn } from './helpers';

afterEach(() => jest.restoreAllMocks());

function stepWallClock(millis: number): void {
  const realNow = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + millis);
}

test.each([-60_000, 60_000])('inspector: a wall-clock step of %d ms loses no samples after it', (stepMillis) => {
  const w = openCpuWindow({ backend: 'inspector', hz: 1000 });
  burn(100);
  const before = w.rotate().samples.length;
  stepWallClock(stepMillis);
  burn(200);
  const after = w.rotate().samples.length;
  burn(200);
  const last = w.close().samples.length;
  expect(before).toBeGreaterThan(20);
  // About 200 samples each at 1 kHz; a backward step used to drop every one of them.
  expect(after).toBeGreaterThan(40);
  expect(last).toBeGreaterThan(40);
});

test.each([
  ['native', -60_000],
  ['native', 60_000],
  ['inspector', -60_000],
  ['inspector', 60_000],
] as const)('%s: a window spanning a wall-clock step of %d ms keeps its real duration', async (backend, stepMillis) => {
  const w = openCpuWindow({ backend, hz: 100 });
  burn(100);
  stepWallClock(stepMillis);
  burn(100);
  const raw = w.close();
  const durationMillis = Number(raw.endNanos - raw.startNanos) / 1e6;
  // About 200 ms (it was -59.8 s or +60.2 s: the step, not the window).
  expect(durationMillis).toBeGreaterThan(0);
  expect(durationMillis).toBeLessThan(30_000);
  const p = await buildCpuProfile(raw, 'wall', { sourceMaps: false });
  expect(p.durationNanos).toBe(Number(raw.endNanos - raw.startNanos));
});
