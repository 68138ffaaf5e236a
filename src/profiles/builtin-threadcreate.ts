/** `threadcreate`: every `new Worker(...)` since otelprof first looked, by the stack that created it. */
import { ProfileBuilder, writeCountText, type Profile as PprofProfile } from '../pprof';
import { startWorkerTracking, workersCreated } from '../sampler';
import { withMappedStacks } from '../sampler/source-maps';
import { workerCreationRecords } from '../sampler/workers';
import type { BuiltinProvider } from './provider';

async function snapshot(): Promise<PprofProfile> {
  const records = await withMappedStacks(workerCreationRecords());
  const b = new ProfileBuilder({
    sampleTypes: [{ type: 'threadcreate', unit: 'count' }],
    periodType: { type: 'threadcreate', unit: 'count' },
    period: 1,
  });
  for (const r of records) b.addSample(r.stack, [r.count]);
  return b.build();
}

export function threadcreateProfileProvider(): BuiltinProvider {
  startWorkerTracking();
  return {
    name: 'threadcreate',
    count: workersCreated,
    snapshot,
    text: async () => writeCountText(await snapshot(), 'threadcreate'),
  };
}
