/**
 * What the demo found: the profile files of this run grouped by type, and the top functions of
 * each type (windows merged for per-period types; the last snapshot for point-in-time types).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, merge, type Profile } from '../pprof';
import { formatValue, topFunctions } from './top';

/** One type's files, oldest first. */
export interface TypeFiles {
  type: string;
  files: string[];
}

/** Point-in-time types: merging their windows would add up the same objects several times. */
const SNAPSHOT_TYPES = new Set(['heap', 'goroutine']);

/** Profile files `<service>.<type>.<time>.pb.gz` in `dir`, grouped by type, oldest first. */
export function profileFilesByType(dir: string, service: string): TypeFiles[] {
  const byType = new Map<string, string[]>();
  const prefix = `${service}.`;
  for (const f of readdirSync(dir).sort()) {
    if (!f.startsWith(prefix) || !f.endsWith('.pb.gz')) continue;
    const type = f.slice(prefix.length).split('.')[0];
    byType.set(type, [...(byType.get(type) ?? []), join(dir, f)]);
  }
  return [...byType].map(([type, files]) => ({ type, files }));
}

/** One profile standing for the run: the windows merged, or the last snapshot of a point-in-time type. */
export function profileOfType(t: TypeFiles): Profile {
  const profiles: Profile[] = t.files.map((f) => decode(readFileSync(f)));
  return SNAPSHOT_TYPES.has(t.type) ? profiles[profiles.length - 1] : merge(profiles);
}

/** The file of `t` with the largest total (the window that saw the most load): the one worth opening. */
export function busiestFile(t: TypeFiles): string {
  let best = { file: t.files[t.files.length - 1], total: -1 };
  for (const file of t.files) {
    const total = topFunctions(decode(readFileSync(file))).total;
    if (total > best.total) best = { file, total };
  }
  return best.file;
}

const DESCRIPTIONS: Record<string, string> = {
  cpu: 'on-CPU time',
  wall: 'wall-clock time, idle included',
  heap: 'live sampled heap, last window',
  goroutine: 'live async resources by creation stack, last window',
  block: 'stacks that held the event loop past 10 ms',
};

/** The text block of one type: header, then the top `n` functions by flat value. */
export function summarizeType(t: TypeFiles, n = 5): { text: string; top: string | undefined } {
  const profile = profileOfType(t);
  const report = topFunctions(profile);
  const rows = report.rows.filter((r) => r.flat !== 0).slice(0, n);
  const what = DESCRIPTIONS[t.type] ?? 'custom profile';
  const lines = [`${t.type} (${what}): ${t.files.length} file(s), total ${formatValue(report.total, report.unit)} ${report.sampleType}`];
  if (rows.length === 0) lines.push('    (no samples)');
  const pct = (v: number): string => (report.total === 0 ? '' : `${((100 * v) / report.total).toFixed(1)}%`);
  for (const r of rows) lines.push(`  ${formatValue(r.flat, report.unit).padStart(10)} ${pct(r.flat).padStart(6)}  ${r.name}`);
  return { text: lines.join('\n'), top: rows[0]?.name };
}
