import { LoopProbe, probeIntervalMillis, type StallCandidate } from '../../src/sampler/loop-block-probe';
import { RunQueueWait } from '../../src/sampler/loop-block-schedstat';
import { heldFor } from '../support/held-clock';

/**
 * Holds the loop for `ms` not spent waiting for a CPU (the probe discounts that wait). Held by
 * process CPU time before, a CI run saw a 78.8 ms stall for `busy(80)` and another none at all
 * over the 30 ms threshold.
 */
function busy(ms: number): void {
  const done = heldFor(ms);
  while (!done()) { /* hold the loop */ }
}

function ticks(n: number, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let left = n;
    const t = setInterval(() => { if (--left === 0) { clearInterval(t); resolve(); } }, ms);
  });
}

describe('loop-lag probe', () => {
  it.each([[10_000_000, 7], [1_000_000, 1], [500_000, 1], [100_000_000, 75]])('ticks at three quarters of the threshold (%i ns -> %i ms)', (ns, ms) => {
    expect(probeIntervalMillis(ns)).toBe(ms);
  });

  it('reports a stall covering a long callback, and its bounds contain it', async () => {
    const seen: StallCandidate[] = [];
    const probe = new LoopProbe((c) => seen.push(c));
    probe.start(30_000_000);
    await ticks(3, 15);
    const t0 = Number(process.hrtime.bigint()) / 1000;
    busy(80);
    const t1 = Number(process.hrtime.bigint()) / 1000;
    await ticks(3, 15);
    probe.stop();
    const covering = seen.filter((c) => c.startMicros <= t0 && c.endMicros >= t1);
    expect(covering).toHaveLength(1);
    expect(covering[0].endMicros - covering[0].startMicros).toBeGreaterThanOrEqual(80_000);
  });

  it('check() reports a stall that has just ended, before the next tick', () => {
    const seen: StallCandidate[] = [];
    const probe = new LoopProbe((c) => seen.push(c));
    probe.start(20_000_000);
    busy(40);
    probe.check();
    probe.stop();
    expect(seen).toHaveLength(1);
  });

  it('reads the run-queue wait on Linux (0 elsewhere), never decreasing', () => {
    const w = new RunQueueWait();
    const opened = w.open();
    expect(opened).toBe(process.platform === 'linux');
    const a = w.read();
    busy(5);
    const b = w.read();
    w.close();
    expect(Number.isFinite(a) && a >= 0).toBe(true);
    expect(b).toBeGreaterThanOrEqual(a);
    expect(w.read()).toBe(0);
  });

  it('stops, and check() is a no-op while stopped', () => {
    const probe = new LoopProbe(() => undefined);
    probe.start(10_000_000);
    expect(probe.running).toBe(true);
    probe.stop();
    expect(probe.running).toBe(false);
    expect(() => probe.check()).not.toThrow();
  });
});
