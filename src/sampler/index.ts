/**
 * Core sampler box: owns V8's CPU/wall sampler and heap sampler for this thread, records raw
 * timestamped samples with their sample contexts, and converts them to the pprof model. It knows
 * nothing about labels, spans or HTTP: layers above register sample-context sources.
 */
export { RawCpuSamples } from './cpu-samples';
export type { RawCpuSample, RawCpuWindow, RawHeapRecord, RawHeapSnapshot, HeapMode, SamplerBackendName } from './types';
export { openCpuWindow, onCpuSamples, cpuSamplerState, refreshSampleContext, activateSampleContexts, writeSampleContextEntry, validateHz, DEFAULT_CPU_HZ } from './cpu-sampler';
export type { CpuWindow, CpuWindowOptions, CpuWindowListener } from './cpu-sampler';
export { buildCpuProfile } from './cpu-profile';
export type { CpuProfileKind, BuildCpuProfileOptions } from './cpu-profile';
export { registerSampleContextSource, sampleContextLabels } from './sample-context';
export type { SampleContextSource } from './sample-context';
export { startHeapSampler, stopHeapSampler, heapSamplerState, takeHeapSnapshot, buildHeapProfile, DEFAULT_HEAP_INTERVAL_BYTES } from './heap-sampler';
export type { HeapSamplerOptions } from './heap-sampler';
export { requestedBackend } from './backend-select';
export { mapFrame, prepareSourceMaps } from './source-maps';
export { warmUpCollections } from './warm-up';
export { setBlockProfileRate, blockProfileRate, flushBlockProfile, blockRecords, DEFAULT_BLOCK_PROFILE_RATE_NANOS } from './loop-block';
export {
  enableGoroutineStacks, disableGoroutineStacks, goroutineStacksEnabled, activeResourceCount, activeResourceTypes,
} from './async-resources';
export type { GoroutineStacksOptions, LiveAsyncResource } from './async-resources';
export { startWorkerTracking, workersCreated } from './workers';
export { asyncContextFramePossible } from './native-addon';
