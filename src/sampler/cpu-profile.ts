/**
 * Conversion of a raw CPU window into the two pprof profiles the DESIGN table fixes:
 *  - `cpu`:  `samples/count`, `cpu/nanoseconds` (period type `cpu/nanoseconds`), `(idle)` removed;
 *  - `wall`: `samples/count`, `wall/nanoseconds` (period type `wall/nanoseconds`), idle included.
 * Both come from the same window, so the scheduler can take both from one sampler run.
 */
import { ProfileBuilder, TimeSlice, yieldToEventLoop } from '../pprof';
import type { Label, Profile, StackFrame } from '../pprof/model';
import { sampleContextLabels } from './sample-context';
import { mapFrame, prepareSourceMaps } from './source-maps';
import type { RawCpuSample, RawCpuWindow } from './types';

/** Which view of a CPU window to build. */
export type CpuProfileKind = 'cpu' | 'wall';

/** Options of {@link buildCpuProfile}. */
export interface BuildCpuProfileOptions {
  /** Resolve frames of transpiled code through their source maps. Default true. */
  sourceMaps?: boolean;
  /** Only samples taken in [fromMicros, toMicros) (epoch microseconds). Default: all. */
  fromMicros?: number;
  toMicros?: number;
}

/**
 * Builds the `cpu` or `wall` pprof profile of a window. `cpu/nanoseconds` is the measured thread
 * CPU time of each sample where the backend measures it (native, not on Windows), else the
 * sampling interval; `wall/nanoseconds` is the observed average interval between samples
 * (V8 ticks run a little late: PR DataDog/pprof-nodejs#74), clamped to [interval, 2 x interval].
 * Sample labels come from the registered sample-context sources.
 */
export async function buildCpuProfile(w: RawCpuWindow, kind: CpuProfileKind, opts: BuildCpuProfileOptions = {}): Promise<Profile> {
  const samples = selectSamples(w.samples, opts);
  if (opts.sourceMaps !== false) await prepareSourceMaps(filesOf(samples));
  // Each profile of a collection is built in its own event-loop turn (see yieldToEventLoop).
  await yieldToEventLoop();
  const mapFrames = opts.sourceMaps !== false ? mapStack : identity;
  const durationNanos = Number(w.endNanos - w.startNanos);
  const interval = w.intervalNanos;
  const wallPerSample = wallInterval(durationNanos, w.samples.length, interval);
  const unit = kind === 'cpu' ? 'cpu' : 'wall';
  const b = new ProfileBuilder({
    sampleTypes: [{ type: 'samples', unit: 'count' }, { type: unit, unit: 'nanoseconds' }],
    periodType: { type: unit, unit: 'nanoseconds' },
    period: kind === 'cpu' ? interval : wallPerSample,
    timeNanos: w.startNanos,
    durationNanos,
  });
  const labelCache = new Map<unknown, readonly Label[]>();
  const stackCache = new Map<readonly StackFrame[], readonly StackFrame[]>();
  const values = [1, 0];
  // A long window (or the first one, which maps frames and runs cold code) must not hold the
  // loop for its whole build: cut it into turns.
  const slice = new TimeSlice();
  for (let i = 0; i < samples.length; i++) {
    if ((i & 15) === 0 && slice.due) await slice.next();
    const s = samples[i];
    if (kind === 'cpu' && s.idle) continue;
    values[1] = kind === 'wall' ? wallPerSample : s.cpuNanos >= 0 ? s.cpuNanos : interval;
    let stack = stackCache.get(s.stack);
    if (stack === undefined) {
      stack = mapFrames(s.stack);
      stackCache.set(s.stack, stack);
    }
    // An idle loop runs no one's code: whatever context the slot still holds is not its own.
    b.addSample(stack, values, s.idle ? NO_LABELS : sampleContextLabels(s.context, labelCache));
  }
  return b.build();
}

const NO_LABELS: readonly Label[] = Object.freeze([]);

function selectSamples(all: readonly RawCpuSample[], opts: BuildCpuProfileOptions): readonly RawCpuSample[] {
  if (opts.fromMicros === undefined && opts.toMicros === undefined) return all;
  const from = opts.fromMicros ?? -Infinity;
  const to = opts.toMicros ?? Infinity;
  return all.filter((s) => s.timestampMicros >= from && s.timestampMicros < to);
}

function wallInterval(durationNanos: number, n: number, interval: number): number {
  if (n === 0) return interval;
  return Math.round(Math.min(Math.max(durationNanos / n, interval), 2 * interval));
}

function filesOf(samples: readonly RawCpuSample[]): Set<string> {
  const seen = new Set<readonly StackFrame[]>();
  const files = new Set<string>();
  for (const s of samples) {
    if (seen.has(s.stack)) continue;
    seen.add(s.stack);
    for (const f of s.stack) files.add(f.fileName);
  }
  return files;
}

function mapStack(stack: readonly StackFrame[]): readonly StackFrame[] {
  return stack.map(mapFrame);
}

function identity(stack: readonly StackFrame[]): readonly StackFrame[] {
  return stack;
}
