/** `threadcreate`: every `new Worker(...)` since otelprof first looked, by the stack that created it. */
import { ProfileBuilder, writeCountText, type Profile as PprofProfile } from '../pprof';
import { startWorkerTracking, workersCreated } from '../sampler';
import { workerCreationRecords } from '../sampler/workers';
import type { BuiltinProvider } from './provider';

function snapshot(): PprofProfile {
  const b = new ProfileBuilder({
    sampleTypes: [{ type: 'threadcreate', unit: 'count' }],
    periodType: { type: 'threadcreate', unit: 'count' },
    period: 1,
  });
  for (const r of workerCreationRecords()) b.addSample(r.stack, [r.count]);
  return b.build();
}

export function threadcreateProfileProvider(): BuiltinProvider {
  startWorkerTracking();
  return {
    name: 'threadcreate',
    count: workersCreated,
    snapshot: async () => snapshot(),
    text: async () => writeCountText(snapshot(), 'threadcreate'),
  };
}
