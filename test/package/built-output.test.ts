/**
 * What the build emits for a process to load: JavaScript without comments (every loaded module's
 * source text stays in the process's heap for as long as it runs), declarations with their doc
 * comments (what editors show users), and source maps that still lead to the right source lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';
import { SourceMapConsumer } from 'source-map';
import { ensureBuilt, repoRoot } from './consumer';

const dist = join(repoRoot, 'dist');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name));
}

/** The text of every comment in `text` (a JavaScript or declaration file), as TypeScript's parser finds them. */
function commentsOf(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = new Map<number, string>();
  const note = (pos: number, end: number): void => {
    found.set(pos, text.slice(pos, end));
  };
  const visit = (node: ts.Node): void => {
    ts.forEachLeadingCommentRange(text, node.getFullStart(), note);
    ts.forEachTrailingCommentRange(text, node.getEnd(), note);
    ts.forEachChild(node, visit);
  };
  visit(source);
  ts.forEachLeadingCommentRange(text, source.endOfFileToken.getFullStart(), note);
  return [...found.values()];
}

const SOURCE_MAP_LINE = /^\/\/# sourceMappingURL=[\w.-]+\.map$/;

beforeAll(async () => {
  await ensureBuilt();
});

test('the compiled JavaScript has no comments but its source-map line', () => {
  const files = [...filesUnder(join(dist, 'src'), '.js'), ...filesUnder(join(dist, 'exporters'), '.js')];
  expect(files.length).toBeGreaterThan(100);
  const withComments = files
    .map((f) => ({ file: f, comments: commentsOf(f, readFileSync(f, 'utf8')).filter((c) => !SOURCE_MAP_LINE.test(c)) }))
    .filter((r) => r.comments.length > 0)
    .map((r) => `${r.file}: ${r.comments[0]}`);
  expect(withComments).toEqual([]);
});

test('the generated protobuf code has no comments; its declarations keep the schema docs', () => {
  const generated = join(dist, 'proto', 'generated');
  const js = filesUnder(generated, '.js');
  expect(js.length).toBeGreaterThan(0);
  // pbjs's one-line lint banner is the only comment it always writes.
  const beyondBanner = (f: string): string[] => commentsOf(f, readFileSync(f, 'utf8')).filter((c) => !c.startsWith('/*eslint-disable '));
  for (const f of js) expect({ file: f, comments: beyondBanner(f) }).toEqual({ file: f, comments: [] });
  const dts = readFileSync(join(generated, 'profile.d.ts'), 'utf8');
  expect(dts).toMatch(/\/\*\* Properties of a Profile\. \*\//);
});

test('declarations keep their doc comments', () => {
  const dts = readFileSync(join(dist, 'src', 'scheduler', 'start-profiling.d.ts'), 'utf8');
  const docs = commentsOf('start-profiling.d.ts', dts).filter((c) => c.startsWith('/**'));
  expect(docs.length).toBeGreaterThan(3);
  expect(docs.some((c) => c.includes('startProfiling'))).toBe(true);
});

test('source maps of the comment-free JavaScript point at the lines that declare each function', async () => {
  const checked: string[] = [];
  for (const rel of ['src/sampler/cpu-sampler.js', 'src/pprof/encode.js', 'src/scheduler/start-profiling.js']) {
    const file = join(dist, rel);
    const lines = readFileSync(file, 'utf8').split('\n');
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMapConsumer>[0];
    const consumer = await new SourceMapConsumer(map);
    try {
      lines.forEach((line, i) => {
        const m = /\bfunction (\w+)\(/.exec(line);
        if (m === null) return;
        const pos = consumer.originalPositionFor({ line: i + 1, column: m.index + 'function '.length });
        expect(pos.source).not.toBeNull();
        const original = readFileSync(resolve(dirname(file), pos.source as string), 'utf8').split('\n')[(pos.line as number) - 1];
        expect({ fn: m[1], original }).toEqual({ fn: m[1], original: expect.stringContaining(m[1]) });
        checked.push(m[1]);
      });
    } finally {
      consumer.destroy();
    }
  }
  expect(checked.length).toBeGreaterThan(10);
});
