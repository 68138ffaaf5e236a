/**
 * Issue 6 acceptance, faults: the Pyroscope collector resets every connection as soon as a request
 * arrives, for 8 periods of a profiled service under load, then recovers.
 */
import { expectResilient, faultRequests, runScenario, summary, type ScenarioResult } from './fault-scenario';

describe('pipeline fault: collector resetting connections', () => {
  let r: ScenarioResult;
  beforeAll(async () => {
    r = await runScenario({ fault: { kind: 'reset' } });
    process.stdout.write(`${summary(r)}\n`);
  }, 90_000);

  it('keeps the app serving, bounded, counted, and resumes without duplicates', () => {
    expectResilient(r);
  });

  it('the resets were seen and retried', () => {
    expect(faultRequests(r).filter((q) => q.fault === 'reset').length).toBeGreaterThan(0);
    expect(r.final.metrics.retried).toBeGreaterThan(0);
  });
});
