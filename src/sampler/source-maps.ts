/**
 * Source-map resolution of sampled frames: frames of transpiled code (TypeScript with
 * `--sourceMap` or `--inlineSourceMap`, bundles) get their original file, line and column. Maps
 * are found through the file's `sourceMappingURL` comment (inline `data:` URL or a path next to
 * it), loaded once per file on first sight, and kept in a bounded cache.
 */
import { close, fstat, open, read, readFile as readFileCb } from 'node:fs';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SourceMapConsumer } from 'source-map';
import type { StackFrame } from '../pprof/model';
import { yieldToEventLoop } from '../pprof/yield';

// The callback API, promisified: node:fs/promises would load about 1 MB of modules (readline
// among them) into every profiled process on Node 24, for the few reads this file makes.
const openFile = promisify(open);
const statFile = promisify(fstat);
const readAt = promisify(read);
const closeFile = promisify(close);
const readFile = promisify(readFileCb);

const MAX_FILES = 512;

/** A file's parsed map and the directory its relative sources are resolved against (the map's own). */
interface LoadedMap {
  readonly consumer: SourceMapConsumer;
  readonly dir: string;
}

// null: the file has no usable map (do not look again). In order of last use, oldest first.
const consumers = new Map<string, LoadedMap | null>();
const loading = new Map<string, Promise<void>>();
const mapped = new WeakMap<StackFrame, StackFrame>();

/**
 * Loads the maps of every file in `files` not seen before. Never throws. Files load one per
 * event-loop turn, each map parsed in full as it loads: the first collection of a process finds
 * many files at once, and their parsing must not become one long stall (or run later inside a
 * profile build, where the first lookup would parse the whole map).
 */
export async function prepareSourceMaps(files: Iterable<string>): Promise<void> {
  const wanted = new Set([...files].filter(isMappable));
  makeRoomFor(wanted);
  for (const f of wanted) {
    if (consumers.has(f)) continue;
    let p = loading.get(f);
    if (p === undefined) {
      p = load(f).finally(() => loading.delete(f));
      loading.set(f, p);
    }
    await p;
    await yieldToEventLoop();
  }
}

/** The original position of `frame` when a loaded map covers it, else `frame` itself. Synchronous. */
export function mapFrame(frame: StackFrame): StackFrame {
  const hit = mapped.get(frame);
  if (hit !== undefined) return hit;
  const c = consumers.get(frame.fileName);
  // Not loaded (yet, or any more): not remembered, so the frame maps once its map is loaded.
  if (c === undefined && isMappable(frame.fileName)) return frame;
  let out = frame;
  if (c && frame.line > 0) {
    // source-map lines are 1-based and columns 0-based.
    const pos = c.consumer.originalPositionFor({ line: frame.line, column: Math.max(0, frame.column - 1) });
    if (pos.source !== null && pos.line !== null) {
      const file = sourcePath(c.dir, pos.source);
      out = Object.freeze({ functionName: frame.functionName, fileName: file, line: pos.line, column: (pos.column ?? -1) + 1 });
    }
  }
  mapped.set(frame, out);
  return out;
}

/** Files source maps apply to: the app's own JavaScript, not Node's or node_modules'. */
/**
 * Records with every frame of their stacks source-mapped, the maps of their files loaded first:
 * for the profiles built from captured stacks (goroutine, block, mutex, threadcreate, custom), as
 * the CPU and heap builders map theirs. Records whose stacks need no mapping are returned as they are.
 */
export async function withMappedStacks<T extends { readonly stack: readonly StackFrame[] }>(records: readonly T[]): Promise<T[]> {
  const files = new Set<string>();
  for (const r of records) for (const f of r.stack) files.add(f.fileName);
  await prepareSourceMaps(files);
  return records.map((r) => {
    const stack = r.stack.map(mapFrame);
    return stack.every((f, i) => f === r.stack[i]) ? r : { ...r, stack };
  });
}

export function isMappable(file: string): boolean {
  return file !== '' && !file.startsWith('node:') && !file.includes('/node_modules/') && /\.[cm]?js$/.test(file);
}

/**
 * Makes room for the maps of `wanted` (one profile's files): they become the most recently used,
 * and only other files' maps are dropped, oldest first, so none of this profile's maps is dropped
 * before its frames are mapped. The cache holds the larger of MAX_FILES and one profile's files.
 */
function makeRoomFor(wanted: ReadonlySet<string>): void {
  let missing = 0;
  for (const f of wanted) {
    const c = consumers.get(f);
    if (c === undefined) {
      missing++;
    } else {
      consumers.delete(f);
      consumers.set(f, c);
    }
  }
  for (const [f, c] of consumers) {
    if (consumers.size + missing <= MAX_FILES || wanted.has(f)) break;
    c?.consumer.destroy();
    consumers.delete(f);
  }
}

function sourcePath(dir: string, source: string): string {
  if (source.startsWith('file://')) {
    try {
      return fileURLToPath(source);
    } catch {
      // A host other than localhost, an encoded slash: not a local path, so kept as written.
      return source;
    }
  }
  if (!isAbsolute(source) && /^[a-z]+:/i.test(source)) return source;
  // source-map returns sources as URLs (`my%20file.ts`, `caf%C3%A9.ts`): the file is the decoded path.
  return resolvePath(dir, decodedPath(source));
}

/** Percent-decodes a source path; a `%` that starts no escape (`100%.ts`) is kept as written. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** How much of a file's end is read to find its `sourceMappingURL` comment. */
const TAIL_BYTES = 64 * 1024;

async function load(file: string): Promise<void> {
  let loaded: LoadedMap | null = null;
  try {
    const url = await sourceMappingUrl(file);
    if (url !== undefined) {
      let raw: string;
      // The spec resolves relative sources against the map's URL: the .js file's for a data: URL.
      let dir = dirname(file);
      if (url.startsWith('data:')) {
        const comma = url.indexOf(',');
        const meta = url.slice(0, comma);
        const body = url.slice(comma + 1);
        raw = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
      } else {
        const mapFile = resolvePath(dirname(file), decodeURIComponent(url));
        raw = await readFile(mapFile, 'utf8');
        dir = dirname(mapFile);
      }
      const consumer = await new (sourceMap().SourceMapConsumer)(JSON.parse(raw));
      loaded = { consumer, dir };
      // source-map parses the mappings at the first lookup; do it here, in this file's own turn.
      consumer.originalPositionFor({ line: 1, column: 0 });
    }
  } catch {
    // No map, unreadable file or bad map: the frame keeps its generated position.
    loaded?.consumer.destroy();
    loaded = null;
  }
  consumers.set(file, loaded);
}

/**
 * The file's `sourceMappingURL`, read from its last 64 KiB (a large bundle is not read whole just
 * to find that it has no map); the whole file only when its last line is longer than that (an
 * inline `data:` map).
 */
async function sourceMappingUrl(file: string): Promise<string | undefined> {
  const fd = await openFile(file, 'r');
  let tail: string;
  try {
    const { size } = await statFile(fd);
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await readAt(fd, buf, 0, buf.length, start);
    tail = buf.toString('utf8');
    if (start > 0 && !/[\r\n]/.test(tail.trimEnd())) tail = await readFile(file, 'utf8');
  } finally {
    await closeFile(fd);
  }
  // The last comment is the file's (the spec's rule): code may write such lines of its own.
  let url: string | undefined;
  for (const m of tail.matchAll(/\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/gm)) url = m[1];
  return url;
}

/**
 * True when one of `files` (mappable ones only) has a `sourceMappingURL` comment; reads file
 * tails one per turn and stops at the first hit. Never throws.
 */
export async function anyHasSourceMap(files: Iterable<string>): Promise<boolean> {
  for (const f of files) {
    if (!isMappable(f)) continue;
    const url = await sourceMappingUrl(f).catch(() => undefined);
    if (url !== undefined) return true;
    await yieldToEventLoop();
  }
  return false;
}

/**
 * Loads the source-map library and parses a one-line map, which compiles its WebAssembly: the
 * costs the first file with a map would otherwise add to a collection. Never rejects.
 */
export async function warmUpSourceMaps(): Promise<void> {
  try {
    const c = await new (sourceMap().SourceMapConsumer)({ version: 3, file: 'warm-up.js', sources: ['warm-up.ts'], names: [], mappings: 'AAAA' });
    c.originalPositionFor({ line: 1, column: 0 });
    c.destroy();
  } catch {
    // The first real map pays the cost instead.
  }
}

/** The source-map library, loaded at the first file that has a map or by the warm-up when the app has maps. */
function sourceMap(): typeof import('source-map') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('source-map') as typeof import('source-map');
}
