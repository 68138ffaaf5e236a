/**
 * `otelprof top <file|url>`: a text summary of any pprof profile (ours or Go's), like
 * `go tool pprof -top`: flat and cumulative values per function for one sample type.
 */
import { readFile } from 'node:fs/promises';
import { decode, escapeNonPrintable, isGzip, MAX_GUNZIP_BYTES, type Profile } from '../pprof';
import { legacyTextKind, parseLegacyText } from './legacy-text';
import { CommandError } from './usage-error';

export interface TopRow {
  name: string;
  flat: number;
  cum: number;
}

export interface TopReport {
  sampleType: string;
  unit: string;
  total: number;
  rows: TopRow[];
}

/**
 * Reads a profile from a path or an http(s) URL: gzipped or raw pprof protobuf, or Go's legacy
 * `debug=1` text. Throws CommandError with a message naming the source: missing file, HTTP error,
 * unreachable server, not a profile.
 */
export async function readProfileSource(source: string, timeoutMillis = 120_000): Promise<Profile> {
  const bytes = isUrl(source) ? await fetchBytes(source, timeoutMillis) : await readBytes(source);
  if (bytes.length === 0) throw new CommandError(`${source} is empty, not a pprof profile`);
  const text = isGzip(bytes) ? undefined : legacyTextKind(Buffer.from(bytes.subarray(0, 512)).toString('latin1'));
  if (text === 'stack-dump') {
    throw new CommandError(`${source} is a goroutine stack dump (debug=2), not a profile: ask for debug=1 or debug=0`);
  }
  try {
    return text ? parseLegacyText(Buffer.from(bytes).toString('utf8')) : decode(bytes);
  } catch (err) {
    const why = (err as Error).message.replace(/^decode: /, '');
    throw new CommandError(`${source} is not a pprof profile (gzipped or raw protobuf, or Go's legacy text): ${why}`);
  }
}

/** True for an http(s) URL (the only kind of source that is not a file path). */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

async function fetchBytes(source: string, timeoutMillis: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(source, { signal: AbortSignal.timeout(timeoutMillis) });
  } catch (err) {
    throw fetchError(err, source, timeoutMillis);
  }
  if (!res.ok) {
    const text = Buffer.from(await readBody(res, source, timeoutMillis, 4096)).toString('utf8');
    throw new CommandError(`${source}: HTTP ${res.status}: ${errorBodyText(text)}`);
  }
  const body = await readBody(res, source, timeoutMillis, MAX_GUNZIP_BYTES + 1);
  if (body.length > MAX_GUNZIP_BYTES) {
    throw new CommandError(`${source}: the response inflates to more than ${MAX_GUNZIP_BYTES / (1024 * 1024)} MiB, the limit for a profile (a gzip bomb?)`);
  }
  return body;
}

/** Longest error body shown, in characters (the server's explanation, not a page of HTML). */
const MAX_ERROR_BODY_CHARS = 300;

/**
 * A string from a profile (function, sample type or unit name) made safe to print on one line: a
 * profile from a file or a server is untrusted input, and its names reach the user's terminal.
 */
export function terminalSafe(text: string): string {
  return escapeNonPrintable(text);
}

/**
 * An HTTP error body made safe to print: the server's text stays readable (tabs, newlines), but
 * a hostile server cannot drive the user's terminal: controls are shown escaped as Go quotes
 * them (`\x1b`, `\r`). At most 300 characters, `...` marking a cut.
 */
export function errorBodyText(body: string): string {
  const chars = Array.from(body.replace(/\r\n/g, '\n').trim());
  // Cut by code point, before escaping, so neither a surrogate pair nor an escape is split.
  const shown = chars.slice(0, MAX_ERROR_BODY_CHARS).join('');
  const cut = chars.length > MAX_ERROR_BODY_CHARS ? '...' : '';
  return escapeNonPrintable(shown, '\t\n') + cut;
}

/**
 * The first `max` bytes of a response body, then it stops reading: fetch inflates a
 * `Content-Encoding: gzip` body itself, so a bomb would otherwise take its full size in memory.
 * A body cut off by the timeout or the connection throws CommandError, as fetch() does.
 */
async function readBody(res: Response, source: string, timeoutMillis: number, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // Leaving the loop early cancels the stream (and the download).
    for await (const chunk of res.body ?? []) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= max) break;
    }
  } catch (err) {
    throw fetchError(err, source, timeoutMillis);
  }
  return Buffer.concat(chunks).subarray(0, max);
}

/** One line for a fetch that failed, before the response or while reading its body. */
function fetchError(err: unknown, source: string, timeoutMillis: number): CommandError {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMillis / 1000}s (--timeout)`
    : e.cause?.message === 'bad port' ? `fetch refuses port ${new URL(source).port} (a "bad port")`
      : e.cause?.code ?? e.cause?.message ?? e.message;
  return new CommandError(`cannot fetch ${source}: ${why}`);
}

async function readBytes(source: string): Promise<Uint8Array> {
  try {
    return await readFile(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    // `host:port/...` without a scheme is a common slip when pointing at a pull endpoint.
    const hint = code === 'ENOENT' && /^[\w.-]+:\d+(\/|$)/.test(source) ? ` (a URL needs http://, e.g. http://${source})` : '';
    throw new CommandError(`cannot read ${source}: ${why}${hint}`);
  }
}

/**
 * Flat (leaf) and cumulative (anywhere on the stack, counted once per sample) values per function,
 * for the sample type named `sampleType` (default: the profile's default, else its last type).
 */
export function topFunctions(profile: Profile, sampleType?: string): TopReport {
  const index = pickSampleIndex(profile, sampleType);
  const fnName = new Map(profile.functions.map((f) => [f.id, f.name || '(unknown)']));
  // A location without lines (unsymbolized, e.g. Go's legacy text read by pprof) is named by its address.
  const locNames = new Map(profile.locations.map((l) => [l.id, l.lines.length === 0
    ? [`0x${l.address.toString(16)}`]
    : l.lines.map((ln) => fnName.get(ln.functionId) ?? '(unknown)')]));
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  let total = 0;
  for (const s of profile.samples) {
    const v = s.values[index] ?? 0;
    if (v === 0) continue;
    // As pprof: the total is of absolute values, so a diff (`-base`) profile's percentages add up.
    total += Math.abs(v);
    const seen = new Set<string>();
    s.locationIds.forEach((id, depth) => {
      const names = locNames.get(id) ?? ['(unknown)'];
      names.forEach((name, i) => {
        if (depth === 0 && i === 0) flat.set(name, (flat.get(name) ?? 0) + v);
        if (!seen.has(name)) {
          seen.add(name);
          cum.set(name, (cum.get(name) ?? 0) + v);
        }
      });
    });
  }
  const rows = [...cum.keys()].map((name) => ({ name, flat: flat.get(name) ?? 0, cum: cum.get(name) ?? 0 }));
  // pprof's FlatNameOrder: flat, then name (not cum), then cum, so ties list as `go tool pprof -top` does.
  rows.sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || Math.abs(b.cum) - Math.abs(a.cum));
  const t = profile.sampleTypes[index];
  return { sampleType: t?.type ?? '', unit: t?.unit ?? '', total, rows };
}

function pickSampleIndex(profile: Profile, wanted?: string): number {
  const name = wanted ?? profile.defaultSampleType;
  if (name) {
    const i = profile.sampleTypes.findIndex((t) => t.type === name);
    if (i >= 0) return i;
    if (wanted) {
      const known = profile.sampleTypes.map((t) => terminalSafe(t.type)).join(', ');
      throw new CommandError(`sample type "${terminalSafe(wanted)}" is not in this profile (it has: ${known})`);
    }
  }
  return Math.max(0, profile.sampleTypes.length - 1);
}

/** Formats a value in its unit, as pprof does (ms/s for nanoseconds, kB/MB for bytes). */
export function formatValue(v: number, unit: string): string {
  if (unit === 'nanoseconds') return Math.abs(v) >= 1e9 ? `${(v / 1e9).toFixed(2)}s` : `${(v / 1e6).toFixed(2)}ms`;
  if (unit === 'bytes') {
    const a = Math.abs(v);
    if (a >= 1 << 30) return `${(v / (1 << 30)).toFixed(2)}GB`;
    if (a >= 1 << 20) return `${(v / (1 << 20)).toFixed(2)}MB`;
    if (a >= 1 << 10) return `${(v / (1 << 10)).toFixed(2)}kB`;
    return `${v}B`;
  }
  return String(v);
}

/** Renders a report as a `go tool pprof -top`-like table. */
export function renderTop(report: TopReport, limit = 20): string {
  const pct = (v: number): string => (report.total === 0 ? '0.00%' : `${Math.abs((100 * v) / report.total).toFixed(2)}%`);
  const unit = terminalSafe(report.unit);
  const lines = [`Showing top ${Math.min(limit, report.rows.length)} of ${report.rows.length} functions by ${terminalSafe(report.sampleType)}/${unit}, total ${formatValue(report.total, unit)}`];
  lines.push(`${'flat'.padStart(10)} ${'flat%'.padStart(7)} ${'cum'.padStart(10)} ${'cum%'.padStart(7)}  function`);
  for (const r of report.rows.slice(0, limit)) {
    lines.push(`${formatValue(r.flat, unit).padStart(10)} ${pct(r.flat).padStart(7)} ${formatValue(r.cum, unit).padStart(10)} ${pct(r.cum).padStart(7)}  ${terminalSafe(r.name)}`);
  }
  return lines.join('\n');
}
