/**
 * Raw data the core sampler hands to the layers above it: timestamped CPU/wall samples and heap
 * allocation records, before any conversion to the pprof model.
 */
import type { StackFrame } from '../pprof/model';
import type { RawCpuSamples } from './cpu-samples';

/** Which V8 sampler implementation runs: the `@datadog/pprof` addon or `node:inspector`. */
export type SamplerBackendName = 'native' | 'inspector';

/** One tick of the CPU/wall sampler (windows hold them as columns: RawCpuSamples). */
export interface RawCpuSample {
  /** The JS stack, leaf first. Shared between samples of the same stack: do not mutate. */
  readonly stack: readonly StackFrame[];
  /** When the sample was taken, microseconds since the Unix epoch (NaN when the backend has no time). */
  readonly timestampMicros: number;
  /** Thread CPU time spent since the previous sample, nanoseconds; -1 when the backend cannot measure it. */
  readonly cpuNanos: number;
  /** True when the JS thread was waiting in the event loop (V8's `(idle)`). */
  readonly idle: boolean;
  /**
   * The sample context active when the sample was taken (the OpenTelemetry `Context` on the
   * native backend and on the inspector backend when the bridge could attribute it), or undefined.
   */
  readonly context: unknown;
}

/** All samples of one CPU window, in time order. */
export interface RawCpuWindow {
  /** Window start, nanoseconds since the Unix epoch. */
  readonly startNanos: bigint;
  /** Window end, nanoseconds since the Unix epoch. */
  readonly endNanos: bigint;
  /** The requested sampling interval, nanoseconds (1e9 / hz). */
  readonly intervalNanos: number;
  /** True when samples carry measured CPU time (`cpuNanos >= 0`). */
  readonly hasCpuTime: boolean;
  /** Which backend produced the window. */
  readonly backend: SamplerBackendName;
  /** In time order. */
  readonly samples: RawCpuSamples;
}

/** One heap allocation record: a stack and V8's (already unsampled) estimate for it. */
export interface RawHeapRecord {
  readonly stack: readonly StackFrame[];
  /** Estimated number of objects (V8 scales the sample count by 1/(1-e^(-size/interval))). */
  readonly inuseObjects: number;
  /** Estimated bytes. */
  readonly inuseBytes: number;
  readonly allocObjects: number;
  readonly allocBytes: number;
}

/** Heap sampler mode: live objects only (`heap`), or every sampled allocation (`allocs`). */
export type HeapMode = 'heap' | 'allocs';

/** A heap snapshot: records plus the sampling parameters they were taken with. */
export interface RawHeapSnapshot {
  readonly mode: HeapMode;
  /** Average bytes between samples. */
  readonly intervalBytes: number;
  /** When the snapshot was taken, nanoseconds since the Unix epoch. */
  readonly timeNanos: bigint;
  /** False when the mode cannot tell live from collected objects (inuse_* are then 0). */
  readonly hasInuse: boolean;
  readonly records: readonly RawHeapRecord[];
}
