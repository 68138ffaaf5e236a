import { InvalidArgumentError } from '../errors';
import { memStatsText, readNodeMemStats, type GoMemStats } from './mem-stats';
import type { Profile } from './model';
import { tabwrite } from './tabwriter';
import { TextStacks } from './text-stack';

/** Options of {@link writeHeapText}. */
export interface HeapTextOptions {
  /** Sampling interval in bytes (Go's `MemProfileRate`); the header says `heap/<2*rate>`. Default 524288. */
  rate?: number;
  /**
   * Whether the profile's values are unsampled estimates (as a `debug=0` heap profile holds) rather
   * than raw sampled figures. When true, each record is divided back with Go's
   * `scaleHeapSample` factor 1/(1-e^(-avgSize/rate)) so pprof's own re-scaling reproduces the
   * estimate. Default false (values are written as they are).
   */
  scaled?: boolean;
  /** The `# runtime.MemStats` figures; default `readNodeMemStats()` at call time. */
  memStats?: GoMemStats;
}

interface HeapRecord { inuseObjects: number; inuseBytes: number; allocObjects: number; allocBytes: number; stack: number }

/**
 * Writes a heap or allocs profile in Go's legacy `debug=1` text (runtime/pprof
 * `writeHeapInternal`): a `heap profile: ... @ heap/<2*rate>` header with totals, one
 * `<inuseObjs>: <inuseBytes> [<allocObjs>: <allocBytes>] @ 0x..` record per sample (sorted by
 * in-use bytes, descending) with Go's tab-padded frame comments, then the `# runtime.MemStats`
 * trailer. Sample types are found by name: `inuse_objects`/`inuse_space` (or `objects`/`space`)
 * and `alloc_objects`/`alloc_space`; a profile with only one pair gets 0 in-use figures (allocs)
 * or alloc = in-use (heap). As Go does, header alloc bytes are bumped by 1 when equal to in-use
 * bytes so pprof reads a 4-column profile. Throws `InvalidArgumentError` when no bytes type exists.
 */
export function writeHeapText(p: Profile, opts: HeapTextOptions = {}): string {
  const rate = opts.rate ?? 524288;
  const memStats = opts.memStats ?? readNodeMemStats();
  const records = heapRecords(p, rate, opts.scaled ?? false);
  const total = records.reduce((t, r) => ({
    inuseObjects: t.inuseObjects + r.inuseObjects, inuseBytes: t.inuseBytes + r.inuseBytes,
    allocObjects: t.allocObjects + r.allocObjects, allocBytes: t.allocBytes + r.allocBytes, stack: 0,
  }), { inuseObjects: 0, inuseBytes: 0, allocObjects: 0, allocBytes: 0, stack: 0 });
  // pprof reads alloc == inuse as a 2-column profile that cannot merge with 4-column ones (Go's comment).
  const headerAlloc = total.allocBytes === total.inuseBytes ? total.allocBytes + 1 : total.allocBytes;
  const stacks = new TextStacks(p);
  const lines = [`heap profile: ${total.inuseObjects}: ${total.inuseBytes} [${total.allocObjects}: ${headerAlloc}] @ heap/${2 * rate}`];
  const order = records.map((r, i) => ({ r, s: stacks.of(p.samples[r.stack]), i }));
  order.sort((a, b) => b.r.inuseBytes - a.r.inuseBytes || a.i - b.i);
  for (const { r, s } of order) {
    lines.push(`${r.inuseObjects}: ${r.inuseBytes} [${r.allocObjects}: ${r.allocBytes}] @${s.addresses}`, ...s.frameLines, '');
  }
  lines.push('', ...memStatsText(memStats));
  return `${tabwrite(lines)}\n`;
}

function heapRecords(p: Profile, rate: number, scaled: boolean): HeapRecord[] {
  const idx = (...names: string[]): number => p.sampleTypes.findIndex((t) => names.includes(t.type));
  const io = idx('inuse_objects', 'objects');
  const ib = idx('inuse_space', 'space');
  const ao = idx('alloc_objects');
  const ab = idx('alloc_space');
  if (ib < 0 && ab < 0) {
    throw new InvalidArgumentError(`writeHeapText: profile has no inuse_space/space/alloc_space sample type (has ${p.sampleTypes.map((t) => t.type).join(', ') || 'none'})`);
  }
  const at = (s: number[], i: number): number => (i >= 0 ? s[i] ?? 0 : 0);
  return p.samples.map((s, stack) => {
    let [inuseObjects, inuseBytes] = ib >= 0 ? [at(s.values, io), at(s.values, ib)] : [0, 0];
    let [allocObjects, allocBytes] = ab >= 0 ? [at(s.values, ao), at(s.values, ab)] : [inuseObjects, inuseBytes];
    if (scaled) {
      [inuseObjects, inuseBytes] = unscale(inuseObjects, inuseBytes, rate);
      [allocObjects, allocBytes] = unscale(allocObjects, allocBytes, rate);
    }
    return { inuseObjects, inuseBytes, allocObjects, allocBytes, stack };
  });
}

/** Inverse of pprof's `scaleHeapSample`: the raw sampled (count, bytes) behind an estimate. */
export function unscaleHeapSample(count: number, bytes: number, rate: number): [number, number] {
  return unscale(count, bytes, rate);
}

function unscale(count: number, bytes: number, rate: number): [number, number] {
  if (count <= 0 || bytes <= 0 || rate <= 1) return [Math.round(count), Math.round(bytes)];
  const keep = 1 - Math.exp(-(bytes / count) / rate);
  return [Math.max(1, Math.round(count * keep)), Math.max(1, Math.round(bytes * keep))];
}
