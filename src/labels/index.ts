/**
 * Labels box: Go's `pprof.Labels` / `WithLabels` / `Label` / `ForLabels` / `Do` /
 * `SetGoroutineLabels`, stored in the OpenTelemetry `Context` under otelprof's own key.
 * `labelsOf` and `currentLabels` are internal (for the samplers and profiles), not re-exported
 * from the package root.
 */
export { LabelSet, labels } from './label-set';
export { UnevenLabelsError } from './errors';
export { LABELS_CONTEXT_KEY, labelsOf, withLabels, label, forLabels } from './context';
export { currentLabels, runWithLabels, setContextLabels } from './propagation';
export { onLabelsChanged, onFirstLabelsUse, onScopeFrame } from './change-listeners';
export type { ScopeFrameWriter } from './change-listeners';
