import { goQuote } from './go-quote';
import { compareGoStrings } from './go-string-order';
import type { Label, Profile } from './model';
import { tabwrite } from './tabwriter';
import { TextStacks } from './text-stack';

/**
 * Writes a count profile (goroutine, threadcreate, custom `newProfile` profiles) in Go's legacy
 * `debug=1` text, as runtime/pprof `printCountProfile` does:
 *
 *     <name> profile: total <N>
 *     <count> @ 0x<pc> 0x<pc> ...
 *     # labels: {"k":"v", ...}        (only when the sample has labels)
 *     #	0x<pc-1>	<func>+0x<off>	<file>:<line>
 *     <blank>
 *
 * The count of a sample is its first value; N is the sum of counts. Samples with the same
 * stack and labels are added up; entries are sorted by count (descending), then key. Comment
 * lines are padded with tabs exactly as Go's tabwriter does. Returns the whole text.
 */
export function writeCountText(p: Profile, name: string): string {
  const stacks = new TextStacks(p);
  const counts = new Map<string, number>();
  const frames = new Map<string, string[]>();
  let total = 0;
  for (const s of p.samples) {
    const count = s.values[0] ?? 0;
    const stack = stacks.of(s);
    let key = `@${stack.addresses}`;
    if (s.labels.length > 0) key += `\n# labels: ${labelString(s.labels)}`;
    counts.set(key, (counts.get(key) ?? 0) + count);
    if (!frames.has(key)) frames.set(key, stack.frameLines);
    total += count;
  }
  const keys = [...counts.keys()].sort((a, b) => (counts.get(b) as number) - (counts.get(a) as number) || compareGoStrings(a, b));
  const lines = [`${name} profile: total ${total}`];
  for (const key of keys) {
    lines.push(...`${counts.get(key)} ${key}`.split('\n'));
    lines.push(...(frames.get(key) as string[]), '');
  }
  return `${tabwrite(lines)}\n`;
}

/**
 * Go's `labelMap.String()`: each pair as `%q:%q`, the pairs sorted, joined by `", "`, in braces.
 * Numeric labels (which Go's goroutine labels never have) print their number unquoted.
 */
export function labelString(labels: readonly Label[]): string {
  const pairs = labels.map((l) => `${goQuote(l.key)}:${l.str !== undefined ? goQuote(l.str) : String(l.num ?? 0)}`);
  pairs.sort(compareGoStrings);
  return `{${pairs.join(', ')}}`;
}

