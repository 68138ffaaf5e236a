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

test('a pause of the thread between two clock reads does not move the offset (only a wall-clock step does)', () => {
  const before = monotonicToEpochOffsetMicros();
  // A thread preempted for 2 ms between its clock reads: from the second read on, the monotonic
  // clock and the wall clock both read 2 ms later, as they would after such a pause.
  const realHr = process.hrtime.bigint.bind(process.hrtime);
  const realNow = Date.now.bind(Date);
  let reads = 0;
  jest.spyOn(process.hrtime, 'bigint').mockImplementation(() => realHr() + (reads++ > 0 ? 2_000_000n : 0n));
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + (reads > 0 ? 2 : 0));
  const after = monotonicToEpochOffsetMicros();
  // The epoch time of monotonic zero did not change, so neither may the offset (it moved by the
  // 2 ms pause before, which the sampler's step check of 1 ms takes for a wall-clock step).
  expect(Math.abs(after - before)).toBeLessThan(2);
});
