/**
 * `goroutine?debug=2`: a readable dump of every live async resource, the Node counterpart of Go's
 * `runtime.Stack(all)` dump. Each resource is a block like Go's
 *
 *     resource 42 [Timeout, 1.52s]:
 *     # labels: {"handler":"/api"}
 *     leakTimers()
 *     	/srv/app.js:12:7
 *     ...
 *
 * followed by a blank line. Without creation-stack tracking only types and counts are known, and
 * the dump says so.
 */
import { performance } from 'node:perf_hooks';
import { goQuote } from '../pprof/go-quote';
import type { StackFrame } from '../pprof/model';
import type { LiveAsyncResource } from './async-resources';

/** Human age: milliseconds below one second, seconds below two minutes, then Go's "N minutes". */
export function formatAge(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(2)}s`;
  return `${Math.floor(ms / 60_000)} minutes`;
}

function frameText(f: StackFrame): string {
  const name = f.functionName || '(anonymous)';
  const where = f.fileName ? `${f.fileName}${f.line ? `:${f.line}` : ''}${f.column ? `:${f.column}` : ''}` : '(unknown)';
  return `${name}()\n\t${where}`;
}

function labelsText(r: LiveAsyncResource): string | undefined {
  if (r.labels === undefined || r.labels.size === 0) return undefined;
  const pairs: string[] = [];
  // Quoted as the debug=1 text quotes them (Go's %q), so the two views of one label read alike.
  for (const [k, v] of r.labels) pairs.push(`${goQuote(k)}:${goQuote(v)}`);
  return `# labels: {${pairs.join(', ')}}`;
}

/** The dump of tracked resources, oldest first. */
export function dumpTrackedResources(resources: readonly LiveAsyncResource[], dropped: number): string {
  const now = performance.now();
  const sorted = [...resources].sort((a, b) => a.createdAtMillis - b.createdAtMillis || a.asyncId - b.asyncId);
  const out: string[] = [`live async resources: ${sorted.length} (creation stacks on${dropped > 0 ? `, ${dropped} not tracked: bound reached` : ''})`, ''];
  for (const r of sorted) {
    out.push(`resource ${r.asyncId} [${r.type}, ${formatAge(now - r.createdAtMillis)}]:`);
    const labels = labelsText(r);
    if (labels) out.push(labels);
    for (const f of r.stack) out.push(frameText(f));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** The dump when only Node's by-type list is available. */
export function dumpResourceTypes(byType: ReadonlyMap<string, number>): string {
  let total = 0;
  for (const n of byType.values()) total += n;
  const out = [
    `live async resources: ${total} (creation stacks off: set OTELPROF_GOROUTINE_STACKS=true or call enableGoroutineStacks() to see where each was created)`,
    '',
  ];
  for (const [type, n] of [...byType].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) out.push(`${n} x [${type}]`);
  return `${out.join('\n')}\n`;
}
