/**
 * Sample times (monotonic + offset) and window bounds (`nowNanos`) stay on one clock when the
 * wall clock is stepped (NTP, a resumed VM): simulated by moving `Date.now`, the platform clock
 * `nowNanos` re-anchors to.
 */
import { nowNanos } from '../../src/pprof';
import { monotonicMicros, monotonicToEpochOffsetMicros } from '../../src/sampler/clock';

afterEach(() => jest.restoreAllMocks());

test.each([60_000, -60_000])('a wall-clock step of %d ms moves sample times and window bounds alike', (stepMillis) => {
  const before = monotonicMicros() + monotonicToEpochOffsetMicros();
  expect(Math.abs(before - Number(nowNanos() / 1000n))).toBeLessThan(5_000);
  const realNow = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + stepMillis);
  const bound = Number(nowNanos() / 1000n);
  const sampleTime = monotonicMicros() + monotonicToEpochOffsetMicros();
  // Both follow the step: within 5 ms of each other, not 60 s apart.
  expect(Math.abs(sampleTime - bound)).toBeLessThan(5_000);
  expect(Math.abs(sampleTime - before - stepMillis * 1000)).toBeLessThan(50_000);
});
