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
import type { RawCpuSamples } from './cpu-samples';
import type { RawCpuWindow } from './types';

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
 * Builds the `cpu` or `wall` pprof profile of a window. `cpu/nanoseconds`, where the backend
 * measures thread CPU time (native, not on Windows): each sample carries the CPU used since the
 * sample before; what `(idle)` samples carry (tasks that ran and ended between two samples) is
 * shared equally among the window's other samples, so the profile's total is the thread's CPU
 * time (see cpuValues). Elsewhere the sampling interval per sample. `wall/nanoseconds` is the
 * observed average interval between samples
 * (V8 ticks run a little late: PR DataDog/pprof-nodejs#74), clamped to [interval, 2 x interval].
 * Sample labels come from the registered sample-context sources.
 */
export async function buildCpuProfile(w: RawCpuWindow, kind: CpuProfileKind, opts: BuildCpuProfileOptions = {}): Promise<Profile> {
  const samples = selectSamples(w.samples, opts);
  if (opts.sourceMaps !== false) await prepareSourceMaps(filesOf(samples.stacks()));
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
  const cpuValue = kind === 'cpu' ? cpuValues(samples, w.hasCpuTime, interval) : undefined;
  const values = [1, 0];
  // A long window (or the first one, which maps frames and runs cold code) must not hold the
  // loop for its whole build: cut it into turns.
  const slice = new TimeSlice();
  for (let i = 0; i < samples.length; i++) {
    if ((i & 15) === 0 && slice.due) await slice.next();
    const idle = samples.idleAt(i);
    if (kind === 'cpu' && idle) continue;
    values[1] = cpuValue === undefined ? wallPerSample : cpuValue(i);
    const raw = samples.stackAt(i);
    let stack = stackCache.get(raw);
    if (stack === undefined) {
      stack = mapFrames(raw);
      stackCache.set(raw, stack);
    }
    // An idle loop runs no one's code: whatever context the slot still holds is not its own.
    b.addSample(stack, values, idle ? NO_LABELS : sampleContextLabels(samples.contextAt(i), labelCache));
  }
  return b.build();
}

const NO_LABELS: readonly Label[] = Object.freeze([]);

/**
 * The `cpu/nanoseconds` value of each non-idle sample. With measured CPU time, a sample's own
 * figure is the CPU the thread used since the previous sample, so the CPU of short tasks that
 * started and ended between two samples lands on the next sample, and when that one is `(idle)`
 * it would be lost: with 1 ms tasks at 30 % load most of the CPU is (measured: profiles held 0.2-0.3
 * of the process's CPU). That CPU is shared equally among the window's non-idle samples, which are
 * a fair sample of what the thread runs, so the total is the thread's CPU and a stack blocked in
 * a synchronous call still shows little. A sample without a figure (`(program)`) counts 0 of its
 * own: the addon adds its CPU to the next sample's. Without measured CPU: the interval.
 */
function cpuValues(samples: RawCpuSamples, hasCpuTime: boolean, interval: number): (i: number) => number {
  if (!hasCpuTime) return () => interval;
  let idleCpu = 0;
  let busy = 0;
  for (let i = 0; i < samples.length; i++) {
    if (samples.idleAt(i)) idleCpu += Math.max(0, samples.cpuAt(i));
    else busy++;
  }
  const share = busy > 0 ? idleCpu / busy : 0;
  return (i) => Math.round(Math.max(0, samples.cpuAt(i)) + share);
}

function selectSamples(all: RawCpuSamples, opts: BuildCpuProfileOptions): RawCpuSamples {
  if (opts.fromMicros === undefined && opts.toMicros === undefined) return all;
  return all.filterByTime(opts.fromMicros ?? -Infinity, opts.toMicros ?? Infinity);
}

function wallInterval(durationNanos: number, n: number, interval: number): number {
  if (n === 0) return interval;
  return Math.round(Math.min(Math.max(durationNanos / n, interval), 2 * interval));
}

function filesOf(stacks: readonly (readonly StackFrame[])[]): Set<string> {
  const files = new Set<string>();
  for (const stack of stacks) for (const f of stack) files.add(f.fileName);
  return files;
}

function mapStack(stack: readonly StackFrame[]): readonly StackFrame[] {
  return stack.map(mapFrame);
}

function identity(stack: readonly StackFrame[]): readonly StackFrame[] {
  return stack;
}
