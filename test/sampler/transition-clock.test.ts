/**
 * The inspector backend joins V8's sample times (the `process.hrtime` clock) to the times the
 * bridge logs context switches at (`performance.now()` moved onto that clock). Under load the
 * inspector's samples were seen bunched within microseconds before switches; a log running a few
 * microseconds early put them under the next task's label (the inspector cases of
 * cpu-labels.test.ts failed in CI that way). So a switch must be logged within a microsecond.
 */
import { performance } from 'node:perf_hooks';
import { labels, runWithLabels } from '../../src/labels';
import { enableLabelSampleContexts } from '../../src/profiles';
import { sampleContextLabels } from '../../src/sampler';
import { monotonicMicros, performanceOriginMicros } from '../../src/sampler/clock';
import { ContextBridge } from '../../src/sampler/context-bridge';
import type { TransitionLog } from '../../src/sampler/transition-log';

const TOLERANCE_MICROS = 1;

describe('the clock of the transition log', () => {
  beforeAll(() => enableLabelSampleContexts());

  it('logs each label switch within a microsecond of when it happened', () => {
    const bridge = new ContextBridge('log', {});
    bridge.install();
    const log = bridge.log as TransitionLog;
    const misplaced: Array<{ switch: number; justBefore: unknown; justAfter: unknown }> = [];
    try {
      for (let i = 0; i < 200; i++) {
        const before = monotonicMicros();
        let inside = 0;
        runWithLabels(labels('switch', `s${i}`), () => {
          inside = monotonicMicros();
          // Keeps the scope's exit (the next switch) clear of the probe just after `inside`.
          while (monotonicMicros() < inside + 5 * TOLERANCE_MICROS);
        });
        const [early, late] = log.attribute([before - TOLERANCE_MICROS, inside + TOLERANCE_MICROS]);
        const own = [{ key: 'switch', str: `s${i}` }];
        const justBefore = sampleContextLabels(early);
        const justAfter = sampleContextLabels(late);
        if (JSON.stringify(justBefore) === JSON.stringify(own) || JSON.stringify(justAfter) !== JSON.stringify(own)) {
          misplaced.push({ switch: i, justBefore, justAfter });
        }
      }
    } finally {
      bridge.uninstall();
    }
    expect(misplaced).toEqual([]);
  });

  it('places each performance.now() reading between the hrtime reads around it', () => {
    const origin = performanceOriginMicros();
    const misses: Array<{ before: number; at: number; after: number }> = [];
    for (let i = 0; i < 1000; i++) {
      const before = monotonicMicros();
      const at = origin + performance.now() * 1000;
      const after = monotonicMicros();
      if (at < before - TOLERANCE_MICROS || at > after + TOLERANCE_MICROS) misses.push({ before, at, after });
    }
    expect(misses).toEqual([]);
  });
});
