/**
 * Conversion of a heap snapshot into Go's heap/allocs pprof shape: sample types `alloc_objects`,
 * `alloc_space`, `inuse_objects`, `inuse_space` (period type `space/bytes`, period = sampling
 * interval), a numeric `bytes` label with the average object size, and `default_sample_type`
 * `alloc_space` for `allocs` (unset for `heap`, so tools show `inuse_space`). Heap samples carry
 * no per-sample labels: V8's heap sampler has no context slot.
 */
import { ProfileBuilder, TimeSlice, yieldToEventLoop } from '../pprof';
import type { Profile } from '../pprof/model';
import { mapFrame, prepareSourceMaps } from './source-maps';
import type { RawHeapSnapshot } from './types';

/**
 * Builds the `heap` or `allocs` profile of a snapshot. In `heap` mode (live objects only) the
 * alloc_* values repeat the live ones (V8 forgot collected objects); in `allocs` mode the inuse_*
 * values are 0 (no reliable liveness per sample), and a comment says so.
 */
export async function buildHeapProfile(snap: RawHeapSnapshot, kind: 'heap' | 'allocs'): Promise<Profile> {
  const files = new Set<string>();
  for (const r of snap.records) for (const f of r.stack) files.add(f.fileName);
  await prepareSourceMaps(files);
  await yieldToEventLoop();
  const comments: string[] = [];
  if (snap.mode === 'heap') comments.push('otelprof: heap sampler in heap mode: alloc_* repeat the live (inuse_*) values');
  if (!snap.hasInuse) comments.push('otelprof: heap sampler in allocs mode: inuse_* are not available');
  const b = new ProfileBuilder({
    sampleTypes: [
      { type: 'alloc_objects', unit: 'count' },
      { type: 'alloc_space', unit: 'bytes' },
      { type: 'inuse_objects', unit: 'count' },
      { type: 'inuse_space', unit: 'bytes' },
    ],
    periodType: { type: 'space', unit: 'bytes' },
    period: snap.intervalBytes,
    timeNanos: snap.timeNanos,
    defaultSampleType: kind === 'allocs' ? 'alloc_space' : '',
    comments,
  });
  const slice = new TimeSlice();
  for (let i = 0; i < snap.records.length; i++) {
    if ((i & 15) === 0 && slice.due) await slice.next();
    const r = snap.records[i];
    const objects = r.allocObjects > 0 ? r.allocObjects : r.inuseObjects;
    const bytes = r.allocObjects > 0 ? r.allocBytes : r.inuseBytes;
    const size = objects > 0 ? Math.round(bytes / objects) : 0;
    const labels = size > 0 ? [{ key: 'bytes', num: size, numUnit: 'bytes' }] : [];
    b.addSample(r.stack.map(mapFrame), [Math.round(r.allocObjects), Math.round(r.allocBytes), Math.round(r.inuseObjects), Math.round(r.inuseBytes)], labels);
  }
  return b.build();
}
