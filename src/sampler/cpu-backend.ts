/** The contract between the core CPU sampler and one V8 sampling backend. */
import type { ContextBridge } from './context-bridge';
import type { RawCpuWindow, SamplerBackendName } from './types';

export interface CpuBackend {
  readonly name: SamplerBackendName;
  /** Whether samples can carry sample contexts (labels) on this backend and platform. */
  readonly supportsLabels: boolean;
  /** The bridge that keeps the sample context current, when the backend supports labels. */
  readonly bridge: ContextBridge | undefined;
  /** Starts sampling at the interval given to the constructor. */
  start(): void;
  /**
   * Ends the current profile and returns its samples. With `restart` the next profile is already
   * running when this returns; without it the backend is released.
   */
  collect(restart: boolean): RawCpuWindow;
  /**
   * Stops sampling without reading, after a last read failed, and releases the backend as a
   * last `collect` would. Never throws.
   */
  abandon(): void;
  /** How often a stuck V8 profiler was restarted (native backend only). */
  readonly stuckRestarts?: number;
}
