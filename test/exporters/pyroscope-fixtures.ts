/** Test batches for the exporter tests: real profiles built with the pprof box's ProfileBuilder. */
import { ProfileBuilder } from '../../src/pprof';
import type { Label, Profile, StackFrame } from '../../src/pprof';
import { PYROSCOPE_PROFILE_TYPES, type BuiltinProfileType } from '../../exporters/pyroscope';
import type { ProfileBatch } from '../../exporters/types';

export const SPAN_A = '00f067aa0ba902b7';
export const SPAN_B = '0123456789abcdef';
export const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';

const frame = (functionName: string, line: number): StackFrame => ({ functionName, fileName: '/app/server.js', line, column: 3 });
const STACK_A = [frame('handleRequest', 10), frame('main', 1)];
const STACK_B = [frame('renderPage', 20), frame('main', 1)];

/** A profile of built-in `type` with the DESIGN table's sample and period types. */
export function profileOf(type: BuiltinProfileType, startNanos: bigint, extraLabels: Label[] = [], durationNanos = 10_000_000_000): Profile {
  const t = PYROSCOPE_PROFILE_TYPES[type];
  const b = new ProfileBuilder({
    sampleTypes: t.sampleTypes.map((v) => ({ ...v })),
    periodType: { ...t.periodType },
    period: type === 'cpu' || type === 'wall' ? 10_000_000 : 1,
    timeNanos: startNanos,
    durationNanos,
  });
  const n = t.sampleTypes.length;
  const vals = (k: number): number[] => Array.from({ length: n }, (_, i) => (i + 1) * k);
  b.addSample(STACK_A, vals(3), [{ key: 'span_id', str: SPAN_A }, { key: 'trace_id', str: TRACE_A }, ...extraLabels]);
  b.addSample(STACK_B, vals(5), [{ key: 'span_id', str: SPAN_B }, ...extraLabels]);
  b.addSample(STACK_B, vals(7), extraLabels);
  return b.build();
}

/** One period with the given types, labelled for service `svc`. */
export function batchOf(types: BuiltinProfileType[], opts: { startNanos?: bigint; labels?: Record<string, string>; extraLabels?: Label[] } = {}): ProfileBatch {
  const startNanos = opts.startNanos ?? BigInt(Date.now() - 10_000) * 1_000_000n;
  return {
    startNanos,
    endNanos: startNanos + 10_000_000_000n,
    profiles: types.map((type) => ({ type, profile: profileOf(type, startNanos, opts.extraLabels) })),
    seriesLabels: { service_name: 'checkout', 'service.version': '1.2.3', env: 'prod', ...opts.labels },
  };
}

/** Resolves on the next unhandled rejection, for asserting there is none. */
export function trackUnhandled(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const on = (e: unknown): void => void errors.push(e);
  process.on('unhandledRejection', on);
  return { errors, stop: () => process.off('unhandledRejection', on) };
}
