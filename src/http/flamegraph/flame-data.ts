import type { Label, Profile } from '../../pprof/model';

/** What the flame graph page receives: frames once, samples as root-first frame indexes. */
export interface FlameData {
  profile: string;
  sampleTypes: { type: string; unit: string }[];
  /** Index into sampleTypes that the page shows by default. */
  sampleIndex: number;
  /** One per function; `line` is its start line, or the one line all its locations share, else 0. */
  frames: { name: string; file: string; line: number }[];
  samples: { stack: number[]; values: number[]; labels: Record<string, string> }[];
}

/**
 * Flattens a profile for the page: each sample's stack root-first, frames deduplicated, string
 * labels kept so the page can filter by them (numeric labels are shown as `value unit`). A frame is
 * a function (pprof's default `functions` granularity): call sites on different lines of one
 * caller would otherwise split it into several boxes, each with part of its value.
 */
export function toFlameData(name: string, profile: Profile): FlameData {
  const functions = new Map(profile.functions.map((f) => [f.id, f]));
  const locations = new Map(profile.locations.map((l) => [l.id, l]));
  const frames: FlameData['frames'] = [];
  const frameIndex = new Map<string, number>();
  const byFunctionId = new Map<number, number>();
  const lines = functionLines(profile);
  const frameOf = (functionId: number): number => {
    let idx = byFunctionId.get(functionId);
    if (idx !== undefined) return idx;
    const fn = functions.get(functionId);
    const frame = { name: fn?.name || '(unknown)', file: fn?.filename ?? '', line: fn?.startLine || (lines.get(functionId) ?? 0) };
    const key = `${frame.name}\u0000${frame.file}\u0000${frame.line}`;
    idx = frameIndex.get(key);
    if (idx === undefined) {
      idx = frames.push(frame) - 1;
      frameIndex.set(key, idx);
    }
    byFunctionId.set(functionId, idx);
    return idx;
  };
  const samples = profile.samples.map((s) => {
    const stack: number[] = [];
    for (const id of s.locationIds) {
      const loc = locations.get(id);
      if (!loc) continue;
      for (const line of loc.lines) stack.push(frameOf(line.functionId));
    }
    stack.reverse();
    return { stack, values: s.values, labels: labelObject(s.labels) };
  });
  const defaultIdx = profile.sampleTypes.findIndex((t) => t.type === profile.defaultSampleType);
  return {
    profile: name,
    sampleTypes: profile.sampleTypes.map((t) => ({ type: t.type, unit: t.unit })),
    sampleIndex: defaultIdx >= 0 ? defaultIdx : profile.sampleTypes.length - 1,
    frames,
    samples,
  };
}

/**
 * A sample's labels as a JSON object. Null prototype: on a plain `{}`, a key `__proto__` would set
 * the prototype instead of a property and vanish from the JSON.
 */
function labelObject(labels: readonly Label[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const l of labels) out[l.key] = l.str !== undefined ? l.str : `${l.num ?? 0}${l.numUnit ? ' ' + l.numUnit : ''}`;
  return out;
}

/**
 * Per function id, the line all its locations share (V8's CPU frames carry the function's own
 * line), or 0 when they differ (call sites on several lines, merged into one box).
 */
function functionLines(profile: Profile): Map<number, number> {
  const lines = new Map<number, number>();
  for (const loc of profile.locations) {
    for (const l of loc.lines) {
      const seen = lines.get(l.functionId);
      lines.set(l.functionId, seen === undefined || seen === l.line ? l.line : 0);
    }
  }
  return lines;
}
