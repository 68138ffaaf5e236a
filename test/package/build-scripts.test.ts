/**
 * The build's own rewrites of tsc's JavaScript (scripts/plain-reexports.js, scripts/strip-indent.js,
 * scripts/source-map-lines.js), on small inputs whose right output is known.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, repoRoot } from './consumer';

/* eslint-disable @typescript-eslint/no-require-imports */
interface Reexport { line: number; name: string; mod: string; from: string; binding: string }
const { reexportsOf, copyableReexports, plainReexports, checkReexports } = require(join(repoRoot, 'scripts', 'plain-reexports.js')) as {
  reexportsOf: (text: string) => Reexport[];
  copyableReexports: (texts: Map<string, string>) => Map<string, Reexport[]>;
  plainReexports: (text: string, reexports: Reexport[]) => string;
  checkReexports: (byFile: Record<string, unknown>) => void;
};
const { stripIndent } = require(join(repoRoot, 'scripts', 'strip-indent.js')) as {
  stripIndent: (file: string, text: string) => { text: string; removed: number[] };
};
const { decodeMappings, encodeMappings, adjustMappings } = require(join(repoRoot, 'scripts', 'source-map-lines.js')) as {
  decodeMappings: (m: string) => number[][][];
  encodeMappings: (l: number[][][]) => string;
  adjustMappings: (m: string, removed: number[], rewritten?: Set<number>) => string;
};
/* eslint-enable @typescript-eslint/no-require-imports */

beforeAll(async () => {
  await ensureBuilt();
});

const getter = (name: string, mod: string, binding = name): string =>
  `Object.defineProperty(exports, "${name}", { enumerable: true, get: function () { return ${mod}.${binding}; } });`;

test('re-export getters become assignments from the module required above them', () => {
  const text = ['"use strict";', 'var a_1 = require("./a");', getter('x', 'a_1'), getter('y', 'a_1', 'z'), 'exports.k = 1;', getter('w', 'b_1')].join('\n');
  const found = reexportsOf(text);
  // b_1 is required by no line above: not one of tsc's re-exports.
  expect(found).toEqual([{ line: 2, name: 'x', mod: 'a_1', from: './a', binding: 'x' }, { line: 3, name: 'y', mod: 'a_1', from: './a', binding: 'z' }]);
  expect(plainReexports(text, found).split('\n')).toEqual(['"use strict";', 'var a_1 = require("./a");', 'exports.x = a_1.x;', 'exports.y = a_1.z;', 'exports.k = 1;', getter('w', 'b_1')]);
});

test('a name loaded on first use stays a getter, also through another box that re-exports it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-reexports-'));
  try {
    const files = {
      'index.js': ['"use strict";', 'var box_1 = require("./box");', getter('eager', 'box_1'), getter('later', 'box_1')],
      'box.js': ['"use strict";', 'var a_1 = require("./a");', getter('eager', 'a_1'),
        "(0, lazy_exports_1.lazyExports)(exports, () => require('./b'), [", "'later',", ']);'],
      'a.js': ['"use strict";', 'exports.eager = 1;'],
      'b.js': ['"use strict";', 'exports.later = 2;'],
    };
    const texts = new Map(Object.entries(files).map(([f, lines]) => {
      writeFileSync(join(dir, f), lines.join('\n'));
      return [join(dir, f), lines.join('\n')];
    }));
    const copyable = copyableReexports(texts);
    expect(copyable.get(join(dir, 'index.js'))?.map((r) => r.name)).toEqual(['eager']);
    expect(copyable.get(join(dir, 'box.js'))?.map((r) => r.name)).toEqual(['eager']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a copy taken inside a require cycle is found: the getter would have read the finished value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-reexports-'));
  try {
    // index requires a, and a requires index back before it defines x; loaded first, index
    // finishes after a, so its copy is whole.
    writeFileSync(join(dir, 'index.js'), ['"use strict";', 'var a_1 = require("./a");', 'exports.x = a_1.x;'].join('\n'));
    writeFileSync(join(dir, 'a.js'), ['"use strict";', 'require("./index");', 'exports.x = function x() {};'].join('\n'));
    const byFile = { [join(dir, 'index.js')]: [{ line: 2, name: 'x', mod: 'a_1', from: './a', binding: 'x' }] };
    expect(() => checkReexports(byFile)).not.toThrow();
    // c re-exports x from b, and b requires c before it defines x: loaded first, b has c copy x
    // before b defines it.
    writeFileSync(join(dir, 'b.js'), ['"use strict";', 'require("./c");', 'exports.x = function x() {};'].join('\n'));
    writeFileSync(join(dir, 'c.js'), ['"use strict";', 'var b_1 = require("./b");', 'exports.x = b_1.x;'].join('\n'));
    const cyclic = { [join(dir, 'c.js')]: [{ line: 2, name: 'x', mod: 'b_1', from: './b', binding: 'x' }], [join(dir, 'b.js')]: [] };
    expect(() => checkReexports(cyclic)).toThrow(/loading .*b\.js first leaves copies that differ from their modules[^]*c\.js: x/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('indentation goes, but not inside multi-line literals, and each line says what it lost', () => {
  const text = ['function f() {', '    const s = `a', '    b`;', '\treturn s;', '}'].join('\n');
  const out = stripIndent('f.js', text);
  expect(out.text).toBe(['function f() {', 'const s = `a', '    b`;', 'return s;', '}'].join('\n'));
  expect(out.removed).toEqual([0, 4, 0, 1, 0]);
});

test('mappings decode and encode back to the same text, for every map the build wrote', () => {
  const maps = readdirSync(join(repoRoot, 'dist', 'src', 'sampler')).filter((f) => f.endsWith('.js.map'));
  expect(maps.length).toBeGreaterThan(10);
  for (const f of maps) {
    const { mappings } = JSON.parse(readFileSync(join(repoRoot, 'dist', 'src', 'sampler', f), 'utf8')) as { mappings: string };
    expect(encodeMappings(decodeMappings(mappings))).toBe(mappings);
  }
});

test('adjusted mappings move each line by what it lost and keep only the start of rewritten lines', () => {
  // line 0: columns 4 and 10 (source 0, line 0, col 0 / line 0, col 6); line 1: columns 4 and 20 (line 1).
  const lines = [[[4, 0, 0, 0], [10, 0, 0, 6]], [[4, 0, 1, 0], [20, 0, 1, 9]], [[0, 0, 2, 0]]];
  const adjusted = decodeMappings(adjustMappings(encodeMappings(lines), [4, 2, 0], new Set([1])));
  expect(adjusted).toEqual([[[0, 0, 0, 0], [6, 0, 0, 6]], [[2, 0, 1, 0]], [[0, 0, 2, 0]]]);
});
