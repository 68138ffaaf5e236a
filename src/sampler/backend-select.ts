/**
 * Picks the CPU sampling backend: the `backend` option, else `OTELPROF_SAMPLER`, else native; if
 * the native addon cannot load, the inspector takes over and this is logged once.
 */
import { diag } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors';
import type { CpuBackend } from './cpu-backend';
import { InspectorCpuBackend } from './inspector-cpu';
import { NativeCpuBackend } from './native-cpu';
import type { SamplerBackendName } from './types';

const log = diag.createComponentLogger({ namespace: 'otelprof/sampler' });
let warnedFallback = false;
let warnedEnv = false;

/** The backend asked for by code or environment (`native` when neither says). */
export function requestedBackend(option?: SamplerBackendName): SamplerBackendName {
  if (option !== undefined) {
    if (option !== 'native' && option !== 'inspector') {
      throw new InvalidArgumentError(`backend must be 'native' or 'inspector' (actual: ${String(option)})`);
    }
    return option;
  }
  const env = (process.env.OTELPROF_SAMPLER ?? '').trim().toLowerCase();
  if (env === '') return 'native';
  if (env === 'native' || env === 'inspector') return env;
  if (!warnedEnv) {
    warnedEnv = true;
    log.warn(`Configuration: OTELPROF_SAMPLER is invalid, expected native or inspector (actual: ${env}); using native`);
  }
  return 'native';
}

/** Creates the CPU backend, falling back to the inspector when the addon cannot load. */
export function createCpuBackend(intervalMicros: number, option?: SamplerBackendName): CpuBackend {
  if (requestedBackend(option) === 'native') {
    try {
      return new NativeCpuBackend(intervalMicros);
    } catch (err) {
      if (!warnedFallback) {
        warnedFallback = true;
        log.warn(`@datadog/pprof could not be loaded, using node:inspector for CPU profiles: ${(err as Error).message}`);
      }
    }
  }
  return new InspectorCpuBackend(intervalMicros);
}
