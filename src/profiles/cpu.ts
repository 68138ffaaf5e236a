/**
 * Go's `StartCPUProfile` / `StopCPUProfile`: one CPU profile at a time, written to the caller's
 * stream as gzip-compressed pprof (`samples/count`, `cpu/nanoseconds`, `(idle)` removed) when it
 * stops. It reads its own window of the core sampler, so the scheduler and the pull endpoint keep
 * working while it runs.
 */
import { encodeGzip } from '../pprof';
import { buildCpuProfile, openCpuWindow, type CpuWindow, type SamplerBackendName } from '../sampler';
import { InvalidArgumentError } from '../errors';
import { CpuProfilingInUseError } from './errors';
import { armLabelSampleContexts } from './label-contexts';
import { checkWritable, writeChunk } from './write-stream';

/** Options of {@link startCPUProfile}. */
export interface StartCPUProfileOptions {
  /** Samples per second, 1..10000. Default 100 (Go's). Ignored if the sampler already runs at another rate. */
  hz?: number;
  /** Sampler backend; default from `OTELPROF_SAMPLER`, else native. */
  backend?: SamplerBackendName;
}

let running: { stream: NodeJS.WritableStream; window: CpuWindow } | undefined;

/**
 * Starts CPU profiling for this thread; the profile goes to `stream` at `stopCPUProfile()`.
 *
 * @throws CpuProfilingInUseError (`cpu profiling already in use`) while another CPU profile runs;
 *   InvalidArgumentError for a bad stream or option.
 */
export function startCPUProfile(stream: NodeJS.WritableStream, options: StartCPUProfileOptions = {}): void {
  checkWritable(stream, 'startCPUProfile');
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`startCPUProfile: options must be an object (got ${options === null ? 'null' : typeof options})`);
  }
  if (running !== undefined) throw new CpuProfilingInUseError();
  armLabelSampleContexts();
  running = { stream, window: openCpuWindow({ hz: options.hz, backend: options.backend }) };
}

/**
 * Stops the CPU profile and resolves once it has been written to the stream (which is left open,
 * as Go leaves `w`). A no-op when none runs. A new profile may start as soon as this is called.
 */
export async function stopCPUProfile(): Promise<void> {
  const r = running;
  if (r === undefined) return;
  running = undefined;
  const raw = r.window.close();
  const profile = await buildCpuProfile(raw, 'cpu');
  await writeChunk(r.stream, await encodeGzip(profile));
}

/** Whether a `startCPUProfile` profile is running. */
export function cpuProfileRunning(): boolean {
  return running !== undefined;
}
