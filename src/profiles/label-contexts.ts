/**
 * Plugs user labels (`runWithLabels`, `setContextLabels`) into the core sampler: a sample-context
 * source whose value is the running code's `LabelSet` (the same object for the same labels, so
 * the sampler's caches hold), and a refresh when labels change in place.
 */
import { currentLabels, onLabelsChanged, type LabelSet } from '../labels';
import type { Label } from '../pprof';
import { refreshSampleContext, registerSampleContextSource, type SampleContextSource } from '../sampler';

const expanded = new WeakMap<LabelSet, readonly Label[]>();

const labelsSource: SampleContextSource<LabelSet> = {
  current: () => currentLabels(),
  labels(set: LabelSet): readonly Label[] {
    let out = expanded.get(set);
    if (out === undefined) {
      const list: Label[] = [];
      for (const [key, str] of set) list.push({ key, str });
      out = Object.freeze(list);
      expanded.set(set, out);
    }
    return out;
  },
};

let enabled = false;

/** Makes CPU/wall samples (and the block profile built from them) carry user labels. Idempotent. */
export function enableLabelSampleContexts(): void {
  if (enabled) return;
  enabled = true;
  registerSampleContextSource(labelsSource);
  onLabelsChanged(refreshSampleContext);
}
