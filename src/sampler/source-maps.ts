/**
 * Source-map resolution of sampled frames: frames of transpiled code (TypeScript with
 * `--sourceMap` or `--inlineSourceMap`, bundles) get their original file, line and column. Maps
 * are found through the file's `sourceMappingURL` comment (inline `data:` URL or a path next to
 * it), loaded once per file on first sight, and kept in a bounded cache.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer } from 'source-map';
import type { StackFrame } from '../pprof/model';

const MAX_FILES = 512;
// null: the file has no usable map (do not look again).
const consumers = new Map<string, SourceMapConsumer | null>();
const loading = new Map<string, Promise<void>>();
const mapped = new WeakMap<StackFrame, StackFrame>();

/** Loads the maps of every file in `stacks` not seen before. Never throws. */
export async function prepareSourceMaps(files: Iterable<string>): Promise<void> {
  const waits: Array<Promise<void>> = [];
  for (const f of files) {
    if (!isMappable(f) || consumers.has(f)) continue;
    let p = loading.get(f);
    if (p === undefined) {
      p = load(f).finally(() => loading.delete(f));
      loading.set(f, p);
    }
    waits.push(p);
  }
  await Promise.all(waits);
}

/** The original position of `frame` when a loaded map covers it, else `frame` itself. Synchronous. */
export function mapFrame(frame: StackFrame): StackFrame {
  const hit = mapped.get(frame);
  if (hit !== undefined) return hit;
  const c = consumers.get(frame.fileName);
  let out = frame;
  if (c && frame.line > 0) {
    // source-map lines are 1-based and columns 0-based.
    const pos = c.originalPositionFor({ line: frame.line, column: Math.max(0, frame.column - 1) });
    if (pos.source !== null && pos.line !== null) {
      const file = sourcePath(frame.fileName, pos.source);
      out = Object.freeze({ functionName: frame.functionName, fileName: file, line: pos.line, column: (pos.column ?? -1) + 1 });
    }
  }
  mapped.set(frame, out);
  return out;
}

function isMappable(file: string): boolean {
  return file !== '' && !file.startsWith('node:') && !file.includes('/node_modules/') && /\.[cm]?js$/.test(file);
}

function sourcePath(generated: string, source: string): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  if (isAbsolute(source) || /^[a-z]+:/i.test(source)) return source;
  return resolvePath(dirname(generated), source);
}

async function load(file: string): Promise<void> {
  let consumer: SourceMapConsumer | null = null;
  try {
    const text = await readFile(file, 'utf8');
    const m = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/m.exec(text.slice(-1_000_000));
    if (m !== null) {
      const url = m[1];
      let raw: string;
      if (url.startsWith('data:')) {
        const comma = url.indexOf(',');
        const meta = url.slice(0, comma);
        const body = url.slice(comma + 1);
        raw = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
      } else {
        raw = await readFile(resolvePath(dirname(file), decodeURIComponent(url)), 'utf8');
      }
      consumer = await new SourceMapConsumer(JSON.parse(raw));
    }
  } catch {
    // No map, unreadable file or bad map: the frame keeps its generated position.
    consumer = null;
  }
  if (consumers.size >= MAX_FILES) {
    const [oldest, c] = consumers.entries().next().value as [string, SourceMapConsumer | null];
    c?.destroy();
    consumers.delete(oldest);
  }
  consumers.set(file, consumer);
}
