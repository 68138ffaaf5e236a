/**
 * Issue 6 acceptance, faults: the Pyroscope collector is down (not listening) for 8 periods of a
 * profiled service under load, then comes back on the same port. The delivery queue is bounded by
 * bytes here (about four Push requests of ~30 KB), not by count.
 */
import { expectResilient, faultRequests, runScenario, summary, type ScenarioResult } from './fault-scenario';

const MAX_QUEUE_BYTES = 128 * 1024;
const MAX_QUEUE_ITEMS = 50;

describe('pipeline fault: collector down for several periods', () => {
  let r: ScenarioResult;
  beforeAll(async () => {
    r = await runScenario({ fault: { kind: 'down' }, maxQueueItems: MAX_QUEUE_ITEMS, maxQueueBytes: MAX_QUEUE_BYTES });
    process.stdout.write(`${summary(r)}\n`);
  }, 90_000);

  it('keeps the app serving, bounded, counted, and resumes without duplicates', () => {
    expectResilient(r);
  });

  it('the byte bound is what limited the queue: it dropped for room long before the item bound', () => {
    expect(r.final.queue?.maxItems).toBeLessThan(MAX_QUEUE_ITEMS);
    expect(r.final.queue?.maxBytes).toBeGreaterThan(MAX_QUEUE_BYTES / 2);
  });

  it('nothing reached the collector while it was down; failed attempts were retried', () => {
    expect(faultRequests(r)).toEqual([]);
    expect(r.final.metrics.retried).toBeGreaterThan(0);
  });
});
