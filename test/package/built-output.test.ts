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

/** [start, end) of the literals in `text` whose value spans lines. */
function multiLineLiterals(file: string, text: string): Array<[number, number]> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Array<[number, number]> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isTemplateLiteral(node) || ts.isStringLiteral(node)) && node.getText(source).includes('\n')) found.push([node.getStart(source), node.getEnd()]);
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('the compiled JavaScript has no indentation, but inside multi-line literals, whose values keep theirs', () => {
  const files = [...filesUnder(join(dist, 'src'), '.js'), ...filesUnder(join(dist, 'exporters'), '.js')];
  const indented: string[] = [];
  let keptInLiterals = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const literals = multiLineLiterals(file, text);
    let offset = 0;
    text.split('\n').forEach((line, i) => {
      if (/^\s/.test(line)) {
        if (literals.some(([s, e]) => s < offset && offset < e)) keptInLiterals += 1;
        else indented.push(`${file}:${i + 1}: ${line}`);
      }
      offset += line.length + 1;
    });
  }
  expect(indented.slice(0, 5)).toEqual([]);
  expect(keptInLiterals).toBeGreaterThan(10);
  // The pull endpoint's index page, as Go writes it: its style block is indented with tabs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderIndexPage } = require(join(dist, 'src', 'http', 'index-page.js')) as { renderIndexPage: (entries: unknown[]) => string };
  expect(renderIndexPage([])).toContain('<style>\n.profile-name{\n\tdisplay:inline-block;\n\twidth:6rem;\n}\n</style>');
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

test('source maps point at the line and column that declare each function and method, in the bundle and in files of their own', async () => {
  const checked: Array<{ source: string; name: string }> = [];
  // The bundle (scripts/bundle.js) joins its modules' maps; the pull endpoint keeps a file and map of its own.
  for (const rel of ['src/index.js', 'src/http/handler.js']) {
    const file = join(dist, rel);
    const lines = readFileSync(file, 'utf8').split('\n');
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMapConsumer>[0];
    const consumer = await new SourceMapConsumer(map);
    try {
      lines.forEach((line, i) => {
        // Function declarations, and methods (which the build's indentation stripping moved left).
        const fn = /\bfunction (\w+)\(/.exec(line);
        const method = /^((?:static |async |get |set )*)(\w+)\([^)]*\) \{$/.exec(line);
        const m = fn ?? (method === null || method[2] === 'constructor' ? null : [method[0], method[2]]);
        if (m === null) return;
        const column = fn !== null ? fn.index + 'function '.length : (method as RegExpExecArray)[1].length;
        const pos = consumer.originalPositionFor({ line: i + 1, column });
        // The bundle's own loader, after its modules, has no source to map to.
        if (pos.source === null && rel === 'src/index.js' && ['requireFrom', 'run', 'load'].includes(m[1])) return;
        expect({ fn: m[1], line: i + 1, source: pos.source }).toEqual({ fn: m[1], line: i + 1, source: expect.stringMatching(/\.ts$/) });
        const original = readFileSync(resolve(dirname(file), pos.source as string), 'utf8').split('\n')[(pos.line as number) - 1];
        // The column too: the build strips indentation and moves the maps' columns by it.
        const atColumn = original.slice(pos.column as number, (pos.column as number) + m[1].length);
        expect({ fn: m[1], original, atColumn }).toEqual({ fn: m[1], original: expect.stringContaining(m[1]), atColumn: m[1] });
        checked.push({ source: pos.source as string, name: fn !== null ? m[1] : `.${m[1]}` });
      });
    } finally {
      consumer.destroy();
    }
  }
  expect(checked.length).toBeGreaterThan(100);
  // Every bundled module with functions was checked, not only the first: their maps were joined line by line.
  expect(new Set(checked.map((c) => c.source)).size).toBeGreaterThan(40);
  expect(checked.some((c) => c.source.endsWith('src/http/handler.ts'))).toBe(true);
  // Methods sit indented in the TypeScript: some of what was checked came from such lines.
  expect(checked.filter((c) => c.name.startsWith('.')).length).toBeGreaterThan(10);
});
