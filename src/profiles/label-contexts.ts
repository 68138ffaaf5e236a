/**
 * Plugs user labels (`runWithLabels`, `setContextLabels`) into the core sampler: a sample-context
 * source whose value stands for the running code's labels, and a refresh when labels change in
 * place.
 *
 * The value is interned by content: `labels('route', '/a')` called per request makes a new
 * `LabelSet` each time, and a new sample context per set would cost the bridge a new native
 * holder per request (measured: +70-80 % CPU and a growing heap on a label-per-request loop,
 * against +15-22 % with shared values). Equal sets share one value while any of them is alive.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Labels from '../labels';
import type { LabelSet } from '../labels';
// Only the listeners: the labels box itself loads when the process first uses labels.
import { onFirstLabelsUse, onLabelsChanged, onScopeFrame } from '../labels/change-listeners';
import type { Label } from '../pprof';
import {
  activateSampleContexts, asyncContextFramePossible, refreshSampleContext, registerSampleContextSource, writeSampleContextEntry,
  type SampleContextSource,
} from '../sampler';

/** The sample-context value of one distinct label content. */
interface LabelsValue {
  readonly labels: readonly Label[];
}

// The value of a set rides on the set itself: a WeakMap entry per set (one set per request in
// the common `runWithLabels(labels(...))` pattern) was the costliest part of resolving it.
const VALUE = Symbol('otelprof.labelsValue');
type WithValue = LabelSet & { [VALUE]?: LabelsValue };
const valueOfText = new Map<string, WeakRef<LabelsValue>>();
// Drops the text entry once its value is gone, so the map holds only live contents.
const forget = new FinalizationRegistry<string>((text) => {
  if (valueOfText.get(text)?.deref() === undefined) valueOfText.delete(text);
});

function valueOf(set: LabelSet): LabelsValue {
  let v = (set as WithValue)[VALUE];
  if (v !== undefined) return v;
  const text = set.contentKey();
  v = valueOfText.get(text)?.deref();
  if (v === undefined) {
    v = Object.freeze({ labels: set.toPprofLabels() });
    valueOfText.set(text, new WeakRef(v));
    forget.register(v, text);
  }
  (set as WithValue)[VALUE] = v;
  return v;
}

// Set when the source is registered: until a process uses labels, no sample carries any.
let currentLabels: typeof Labels.currentLabels = () => undefined;

const labelsSource: SampleContextSource<LabelsValue> = {
  current(active) {
    const set = currentLabels(active);
    return set === undefined ? undefined : valueOf(set);
  },
  labels: (value) => value.labels,
};

let enabled = false;
let armed = false;

/** Makes CPU/wall samples (and the block profile built from them) carry user labels. Idempotent. */
export function enableLabelSampleContexts(): void {
  if (enabled) return;
  enabled = true;
  currentLabels = (require('../labels') as typeof Labels).currentLabels;
  registerSampleContextSource(labelsSource);
  onLabelsChanged((kind) => refreshSampleContext(kind === 'scope'));
  // AsyncContextFrame runtimes: a label scope's frame carries the sampler's slot from the start.
  onScopeFrame(writeSampleContextEntry);
}

/**
 * Like {@link enableLabelSampleContexts}, but only once the process first uses labels: until then
 * the sampler runs without a label source, so a process without labels pays nothing for their
 * propagation (on Node 20 that is an async hook on every callback).
 */
export function armLabelSampleContexts(): void {
  // One waiter is enough: every startCPUProfile or pull request arms again.
  if (enabled || armed) return;
  armed = true;
  onFirstLabelsUse(() => {
    enableLabelSampleContexts();
    activateSampleContexts();
  });
}

/** Distinct label contents with a live sample-context value (for tests and diagnostics). */
export function internedLabelContents(): number {
  return valueOfText.size;
}

// On AsyncContextFrame runtimes (Node 22 with the flag, 24+) a task's labels reach the native
// sampler only through its async frame, written when the task enters them: armed at load, the
// first use of labels prepares the frames, so a CPU profile started later sees the labels of
// tasks that entered them before it (a long-lived worker loop). Elsewhere the bridge's hooks find
// them at each callback, so arming waits for the first profile (no cost until then).
if (asyncContextFramePossible()) armLabelSampleContexts();
