/** The `/debug/pprof/` index page, laid out as Go's `indexTmplExecute` lays it out. */

/** Go's profile descriptions, verbatim, plus Node's own wording where the meaning differs. */
export const profileDescriptions: Readonly<Record<string, string>> = {
  allocs: 'A sampling of all past memory allocations',
  block: 'Stack traces that led to blocking on synchronization primitives',
  cmdline: 'The command line invocation of the current program',
  goroutine: 'Stack traces of all current goroutines. Use debug=2 as a query parameter to export in the same format as an unrecovered panic.',
  heap: 'A sampling of memory allocations of live objects. You can specify the gc GET parameter to run GC before taking the heap sample.',
  mutex: 'Stack traces of holders of contended mutexes',
  profile: 'CPU profile. You can specify the duration in the seconds GET parameter. After you get the profile file, use the go tool pprof command to investigate the profile.',
  threadcreate: 'Number of OS threads',
};

/** Node meaning of each Go profile, shown under Go's text so nobody misreads it. */
export const nodeMeanings: Readonly<Record<string, string>> = {
  block: 'In Node: stacks that held the event loop longer than the block profile threshold.',
  goroutine: 'In Node: live async resources (handles and requests), by type or creation stack.',
  mutex: "In Node: contention on otelprof's async Mutex, RWMutex and Semaphore, charged to the holder.",
  threadcreate: 'In Node: worker threads created, by creation stack.',
  profile: 'In Node: on-CPU samples of the JS thread, idle time removed.',
};

export interface IndexEntry {
  name: string;
  count: number;
}

/** Go's `countHeap` counts both: the sampler's records, the same number for either view. */
const HEAP_COUNTED = new Set(['heap', 'allocs']);

/**
 * The index rows for `profiles`, each count read once. `heap` and `allocs` count the same sampler
 * records, and a read walks V8's whole sample tree on the event loop (in `allocs` mode it also
 * folds and resets the sampler's buffer), so one view reads it once for both.
 */
export function indexEntries(profiles: ReadonlyArray<{ name: string; count(): number }>): IndexEntry[] {
  let heapCount: number | undefined;
  return profiles.map((p) => {
    if (!HEAP_COUNTED.has(p.name)) return { name: p.name, count: p.count() };
    heapCount ??= p.count();
    return { name: p.name, count: heapCount };
  });
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] as string);

/**
 * Go's `(&url.URL{Path: name}).String()`, the index's link target: path bytes other than
 * unreserved and `$&+,/:;=@` are %-escaped, so `?`, `#` or `%` in a custom profile's name stay in
 * the path; a colon in the first segment gets `./`, so `javascript:...` stays a relative link.
 */
function goPathLink(name: string): string {
  let out = '';
  for (const b of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  const colon = out.indexOf(':');
  return colon >= 0 && !out.slice(0, colon).includes('/') ? './' + out : out;
}

/** Renders the index for the given profiles (plus `cmdline` and `profile`, as Go lists them). */
export function renderIndexPage(entries: IndexEntry[]): string {
  const all = [...entries, { name: 'cmdline', count: 0 }, { name: 'profile', count: 0 }]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = all.map((e) => `<tr><td>${e.count}</td><td><a href='${escapeHtml(goPathLink(e.name))}?debug=1'>${escapeHtml(e.name)}</a></td></tr>`);
  const descs = all.map((e) => {
    const desc = profileDescriptions[e.name] ?? '';
    const node = nodeMeanings[e.name] ? ` <em>${escapeHtml(nodeMeanings[e.name])}</em>` : '';
    return `<li><div class=profile-name>${escapeHtml(e.name)}: </div> ${escapeHtml(desc)}${node}</li>`;
  });
  return `<html>
<head>
<title>/debug/pprof/</title>
<style>
.profile-name{
	display:inline-block;
	width:6rem;
}
</style>
</head>
<body>
/debug/pprof/
<br>
<p>Set debug=1 as a query parameter to export in legacy text format</p>
<br>
Types of profiles available:
<table>
<thead><td>Count</td><td>Profile</td></thead>
${rows.join('\n')}
</table>
<a href="goroutine?debug=2">full goroutine stack dump</a>
<br>
<a href="ui/">flame graph</a>
<br>
<p>
Profile Descriptions:
<ul>
${descs.join('\n')}
</ul>
</p>
</body>
</html>
`;
}
