import { PassThrough } from 'node:stream';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { gunzipSync } from 'node:zlib';
import { Profile as PF } from 'pprof-format';

/** Spins the CPU for about `ms` milliseconds of wall time. */
export function burn(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

// A long body keeps V8 from inlining the burners into their callers (inlined frames can vanish
// from V8's CPU profiles), so their names stay on the sampled stacks.
let fresh = 0;
export const BIG_BODY = Array.from({ length: 80 }, (_, i) => `x += Math.sqrt(x + ${i});`).join('\n');

/** A function named `name` that burns CPU itself (it is the leaf) for about `ms` of wall time. */
export function namedBurner(name: string): (ms: number) => number {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  // A unique comment defeats V8's compilation cache: every call makes a never-optimized function.
  return new Function(`/* ${fresh++} */ return function ${name}(ms) {
    const end = Date.now() + ms;
    let x = 0;
    while (Date.now() < end) { ${BIG_BODY} }
    return x;
  };`)() as (ms: number) => number;
}

/** A function named `name` doing `n` fixed units of CPU work (independent of scheduling). */
export function namedWorker(name: string): (n: number) => number {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`/* ${fresh++} */ return function ${name}(n) {
    let x = 0;
    for (let k = 0; k < n; k++) { ${BIG_BODY} }
    return x;
  };`)() as (n: number) => number;
}

/** A stream that collects everything written to it. */
export function sink(): { stream: PassThrough; bytes: () => Buffer } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** A decoded sample with names resolved, by the independent `pprof-format` decoder. */
export interface DecodedSample {
  values: number[];
  labels: Record<string, string | number>;
  /** Function names, leaf first. */
  functions: string[];
  files: string[];
  lines: number[];
}

export interface Decoded {
  sampleTypes: string[];
  periodType: string;
  period: number;
  timeNanos: bigint;
  durationNanos: bigint;
  defaultSampleType: string;
  samples: DecodedSample[];
}

/** Decodes gzip'd (or raw) pprof bytes with pprof-format. */
export function decodeIndependent(bytes: Uint8Array): Decoded {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : Buffer.from(bytes);
  const p = PF.decode(raw);
  const st = p.stringTable.strings;
  const fns = new Map(p.function.map((f) => [Number(f.id), f]));
  const locs = new Map(p.location.map((l) => [Number(l.id), l]));
  const samples = p.sample.map((s) => {
    const functions: string[] = [];
    const files: string[] = [];
    const lines: number[] = [];
    for (const id of s.locationId) {
      const loc = locs.get(Number(id));
      for (const line of loc?.line ?? []) {
        const f = fns.get(Number(line.functionId));
        functions.push(st[Number(f?.name ?? 0)]);
        files.push(st[Number(f?.filename ?? 0)]);
        lines.push(Number(line.line));
      }
    }
    const labels: Record<string, string | number> = {};
    for (const l of s.label) labels[st[Number(l.key)]] = Number(l.str) !== 0 ? st[Number(l.str)] : Number(l.num);
    return { values: s.value.map(Number), labels, functions, files, lines };
  });
  return {
    sampleTypes: p.sampleType.map((t) => `${st[Number(t.type)]}/${st[Number(t.unit)]}`),
    periodType: p.periodType ? `${st[Number(p.periodType.type)]}/${st[Number(p.periodType.unit)]}` : '',
    period: Number(p.period),
    timeNanos: BigInt(p.timeNanos),
    durationNanos: BigInt(p.durationNanos),
    defaultSampleType: st[Number(p.defaultSampleType)] ?? '',
    samples,
  };
}

/** Resolves on the next turn of the event loop (a real async boundary). */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/**
 * Burns CPU in `sliceMs` slices for `ms` of wall time, or until `done()`, letting timers run
 * between slices; resolves to the wall time it took.
 */
export async function burnInSlices(ms: number, sliceMs: number, done: () => boolean = () => false): Promise<number> {
  const t0 = Date.now();
  while (!done() && Date.now() - t0 < ms) {
    burn(sliceMs);
    await tick();
  }
  return Date.now() - t0;
}

/**
 * Registers an `AsyncLocalStorageContextManager` as the global one for the enclosing describe
 * (beforeAll / afterAll) when `enabled`; labels then live in OTel contexts the manager propagates.
 */
export function useGlobalContextManager(enabled: boolean): void {
  let mgr: AsyncLocalStorageContextManager | undefined;
  beforeAll(() => {
    if (!enabled) return;
    mgr = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(mgr);
  });
  afterAll(() => {
    if (mgr === undefined) return;
    context.disable();
    mgr.disable();
  });
}
