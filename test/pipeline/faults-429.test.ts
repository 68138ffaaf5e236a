/**
 * Issue 6 acceptance, faults: the Pyroscope collector answers every request with 429 and
 * `Retry-After: 3` (its rate limiter) for 10 periods of a profiled service under load, then
 * recovers. Retry-After asks the client to wait before its next request: no request may arrive
 * sooner, whichever queued request it carries.
 */
import { expectResilient, faultRequests, runScenario, summary, type ScenarioResult } from './fault-scenario';

const RETRY_AFTER_SECONDS = 3;

describe('pipeline fault: collector answering 429 with Retry-After', () => {
  let r: ScenarioResult;
  beforeAll(async () => {
    r = await runScenario({ fault: { kind: 'status', status: 429, retryAfter: String(RETRY_AFTER_SECONDS) }, faultPeriods: 10 });
    process.stdout.write(`${summary(r)}\n`);
    const all = r.collector.requests;
    process.stdout.write(`arrivals: ${all.map((q, i) => `${q.status}@${i ? q.receivedAtMillis - all[i - 1].receivedAtMillis : 0}`).join(' ')}\n`);
  }, 90_000);

  it('keeps the app serving, bounded, counted, and resumes without duplicates', () => {
    expectResilient(r);
  });

  it('honours Retry-After: no request arrives sooner than asked after a 429', () => {
    const all = r.collector.requests;
    const gaps: number[] = [];
    for (let i = 0; i + 1 < all.length; i++) {
      if (all[i].status === 429) gaps.push(all[i + 1].receivedAtMillis - all[i].receivedAtMillis);
    }
    // At least two 429s were followed by another request (one during the fault, one after it).
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    // The client starts waiting when the answer arrives, after the request did: the gap between
    // arrivals is at least Retry-After (the 1 ms allows for the two clocks' millisecond rounding).
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 1);
    expect(new Set(faultRequests(r).slice(1).map((q) => q.status))).toEqual(new Set([429]));
  });
});
