/** The pprof shape shared by block and mutex: `contentions/count`, `delay/nanoseconds`. */
import { ProfileBuilder, type Profile as PprofProfile } from '../pprof';
import type { ContentionRecord } from '../sampler/loop-block-records';

export function contentionProfile(records: readonly ContentionRecord[]): PprofProfile {
  const b = new ProfileBuilder({
    sampleTypes: [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }],
    periodType: { type: 'contentions', unit: 'count' },
    period: 1,
  });
  for (const r of records) b.addSample(r.stack, [r.count, r.delayNanos], r.labels);
  return b.build();
}
