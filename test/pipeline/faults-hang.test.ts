/**
 * Issue 6 acceptance, faults: the Pyroscope collector reads each request and never answers
 * (hangs past the exporter's per-request timeout) for 12 periods of a profiled service under
 * load, then recovers.
 */
import { EXPORT_TIMEOUT_MS, expectResilient, faultRequests, runScenario, summary, type ScenarioResult } from './fault-scenario';

describe('pipeline fault: collector hanging past the request timeout', () => {
  let r: ScenarioResult;
  beforeAll(async () => {
    r = await runScenario({ fault: { kind: 'hang' }, faultPeriods: 12 });
    process.stdout.write(`${summary(r)}\n`);
  }, 90_000);

  it('keeps the app serving, bounded, counted, and resumes without duplicates', () => {
    expectResilient(r);
  });

  it('each hung request was abandoned at the timeout and the next one sent', () => {
    const hung = faultRequests(r).filter((q) => q.fault === 'hang');
    // The client gave up on hung requests and went on (a client without a timeout would wait forever).
    expect(hung.length).toBeGreaterThanOrEqual(2);
    const all = r.collector.requests;
    for (let i = 0; i + 1 < all.length; i++) {
      if (all[i].fault !== 'hang') continue;
      // The timeout runs from when the request left, a little before it arrived here.
      expect(all[i + 1].receivedAtMillis - all[i].receivedAtMillis).toBeGreaterThanOrEqual(EXPORT_TIMEOUT_MS - 250);
    }
    // Abandoned connections are closed, they do not pile up with the hung requests: at most the
    // exporter's pool (2) plus one the client just gave up on and the collector has not seen close.
    expect(Math.max(...r.connections)).toBeLessThanOrEqual(3);
  });
});
