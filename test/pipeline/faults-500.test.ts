/**
 * Issue 6 acceptance, faults: the Pyroscope collector answers every request with HTTP 500 for 8
 * periods of a profiled service under load, then recovers.
 */
import { MAX_ATTEMPTS, expectResilient, faultRequests, runScenario, summary, type ScenarioResult } from './fault-scenario';

describe('pipeline fault: collector answering 500', () => {
  let r: ScenarioResult;
  beforeAll(async () => {
    r = await runScenario({ fault: { kind: 'status', status: 500 } });
    process.stdout.write(`${summary(r)}\n`);
  }, 90_000);

  it('keeps the app serving, bounded, counted, and resumes without duplicates', () => {
    expectResilient(r);
  });

  it('the 500s were retried, never more than maxAttempts per request', () => {
    const statuses = faultRequests(r).map((q) => q.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses.slice(1))).toEqual(new Set([500]));
    expect(r.final.metrics.retried).toBeGreaterThan(0);
    // Every attempt beyond the first of a request is a retry: attempts <= requests * maxAttempts.
    expect(r.final.metrics.retried).toBeLessThanOrEqual(r.final.stats.periods * (MAX_ATTEMPTS - 1));
  });
});
