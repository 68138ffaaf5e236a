/**
 * Core sampler box: owns V8's CPU/wall sampler and heap sampler for this thread, records raw
 * timestamped samples with their sample contexts, and converts them to the pprof model. It knows
 * nothing about labels, spans or HTTP: layers above register sample-context sources. The event-loop
 * block probe, goroutine stacks and worker tracking load on first use (see lazy-exports.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { lazyExports } from '../lazy-exports';
import type * as LoopBlock from './loop-block';
import type * as AsyncResources from './async-resources';
import type * as Workers from './workers';
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
export type { GoroutineStacksOptions, LiveAsyncResource } from './async-resources';
export { asyncContextFramePossible } from './native-addon';

export declare const setBlockProfileRate: typeof LoopBlock.setBlockProfileRate;
export declare const blockProfileRate: typeof LoopBlock.blockProfileRate;
export declare const flushBlockProfile: typeof LoopBlock.flushBlockProfile;
export declare const blockRecords: typeof LoopBlock.blockRecords;
export declare const DEFAULT_BLOCK_PROFILE_RATE_NANOS: typeof LoopBlock.DEFAULT_BLOCK_PROFILE_RATE_NANOS;
lazyExports(exports, () => require('./loop-block') as typeof LoopBlock, [
  'setBlockProfileRate', 'blockProfileRate', 'flushBlockProfile', 'blockRecords', 'DEFAULT_BLOCK_PROFILE_RATE_NANOS',
]);
export declare const enableGoroutineStacks: typeof AsyncResources.enableGoroutineStacks;
export declare const disableGoroutineStacks: typeof AsyncResources.disableGoroutineStacks;
export declare const goroutineStacksEnabled: typeof AsyncResources.goroutineStacksEnabled;
export declare const activeResourceCount: typeof AsyncResources.activeResourceCount;
export declare const activeResourceTypes: typeof AsyncResources.activeResourceTypes;
lazyExports(exports, () => require('./async-resources') as typeof AsyncResources, [
  'enableGoroutineStacks', 'disableGoroutineStacks', 'goroutineStacksEnabled', 'activeResourceCount', 'activeResourceTypes',
]);
export declare const startWorkerTracking: typeof Workers.startWorkerTracking;
export declare const workersCreated: typeof Workers.workersCreated;
lazyExports(exports, () => require('./workers') as typeof Workers, ['startWorkerTracking', 'workersCreated']);
