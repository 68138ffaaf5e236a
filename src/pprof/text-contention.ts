import type { Profile } from './model';
import { tabwrite } from './tabwriter';
import { TextStacks } from './text-stack';

/** Options of {@link writeContentionText}. */
export interface ContentionTextOptions {
  /**
   * Mutex only: the `sampling period=` line (Go's `SetMutexProfileFraction(-1)`). pprof multiplies
   * every value by it when reading. Default 1.
   */
  samplingPeriod?: number;
  /** When true, values are already multiplied by `samplingPeriod` and are divided back here. Default false. */
  scaled?: boolean;
}

/**
 * Writes a block (`'contention'`) or mutex profile in Go's legacy `debug=1` text
 * (runtime/pprof `writeProfileInternal`):
 *
 *     --- contention:            (or --- mutex:)
 *     cycles/second=1000000000
 *     sampling period=<n>        (mutex only)
 *     <cycles> <count> @ 0x<pc> ...
 *     #	0x<pc>	<func>+0x<off>	<file>:<line>
 *
 * With one billion "cycles" per second, cycles are the `delay/nanoseconds` value. Counts come
 * from `contentions`; types are found by name (`delay`, `contentions`), else values [1] and [0].
 * Records are sorted by cycles, descending.
 */
export function writeContentionText(p: Profile, kind: 'contention' | 'mutex', opts: ContentionTextOptions = {}): string {
  const period = Math.max(1, Math.round(opts.samplingPeriod ?? 1));
  const div = opts.scaled ? period : 1;
  let ci = p.sampleTypes.findIndex((t) => t.type === 'contentions');
  let di = p.sampleTypes.findIndex((t) => t.type === 'delay');
  if (ci < 0) ci = 0;
  if (di < 0) di = p.sampleTypes.length > 1 ? 1 : 0;
  const stacks = new TextStacks(p);
  const records = p.samples.map((s, i) => ({
    cycles: Math.round((s.values[di] ?? 0) / div), count: Math.round((s.values[ci] ?? 0) / div), stack: stacks.of(s), i,
  }));
  records.sort((a, b) => b.cycles - a.cycles || a.i - b.i);
  const lines = [`--- ${kind}:`, 'cycles/second=1000000000'];
  if (kind === 'mutex') lines.push(`sampling period=${period}`);
  for (const r of records) lines.push(`${r.cycles} ${r.count} @${r.stack.addresses}`, ...r.stack.frameLines, '');
  return `${tabwrite(lines)}\n`;
}
