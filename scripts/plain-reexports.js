// Turns tsc's re-exports (`export { x } from './y'`, emitted as a getter per name) into plain
// properties copied once. Each getter is a closure and an accessor on the box's exports object that
// a process keeps for as long as it runs, about 500 bytes of young-generation survivors each, and
// the indexes on the way to `require('otelprof')` have about 150 of them. Copies are equal to live
// bindings here because no module reassigns an export (no `export let`). Two cases stay getters or
// are caught: a name loaded on first use (`lazyExports`), which a copy would load at once, and a
// module caught in a require cycle, copied before it is complete (`checkReexports` finds those).
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const ts = require('typescript');

const GETTER = /^Object\.defineProperty\(exports, "([\w$]+)", \{ enumerable: true, get: function \(\) \{ return ([\w$]+)\.([\w$]+); \} \}\);$/;
const REQUIRE = /^(?:var|const) ([\w$]+) = require\("(\.[^"]*)"\);$/;

/** tsc's re-export getters of own modules in `text`: 0-based line, name, module variable, path required, name there. */
function reexportsOf(text) {
  const modules = new Map();
  const found = [];
  text.split('\n').forEach((line, i) => {
    const req = REQUIRE.exec(line);
    if (req !== null) modules.set(req[1], req[2]);
    const m = GETTER.exec(line);
    if (m === null || !modules.has(m[2])) return;
    found.push({ line: i, name: m[1], mod: m[2], from: modules.get(m[2]), binding: m[3] });
  });
  return found;
}

/**
 * Names a module defines through `lazyExports` (src/lazy-exports.ts): their getters load a file on
 * first use, so a copy taken at load would load it at once.
 */
function lazyNames(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const names = new Set();
  const visit = (node) => {
    if (ts.isCallExpression(node) && /\blazyExports\)?$/.test(node.expression.getText(source)) && node.arguments.length === 3) {
      const list = node.arguments[2];
      if (ts.isArrayLiteralExpression(list)) for (const e of list.elements) if (ts.isStringLiteral(e)) names.add(e.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/**
 * The files' re-exports that can be copies: those whose value is not, through any chain of
 * re-exports, a lazily loaded name. `texts` maps each file to its JavaScript.
 */
function copyableReexports(texts) {
  const reexports = new Map([...texts].map(([file, text]) => [file, reexportsOf(text)]));
  const sourceOf = (file, r) => require.resolve(path.resolve(path.dirname(file), r.from));
  const lazy = new Map();
  const isLazy = (file, name) => {
    if (!texts.has(file)) return false;
    if (!lazy.has(file)) lazy.set(file, lazyNames(file, texts.get(file)));
    if (lazy.get(file).has(name)) return true;
    const r = reexports.get(file).find((x) => x.name === name);
    return r !== undefined && isLazy(sourceOf(file, r), r.binding);
  };
  const copyable = new Map();
  for (const [file, list] of reexports) {
    const kept = list.filter((r) => !isLazy(sourceOf(file, r), r.binding));
    if (kept.length > 0) copyable.set(file, kept);
  }
  return copyable;
}

/** The text with the given re-export getters replaced by assignments (line numbers unchanged). */
function plainReexports(text, reexports) {
  const lines = text.split('\n');
  for (const r of reexports) lines[r.line] = `exports.${r.name} = ${r.mod}.${r.binding};`;
  return lines.join('\n');
}

/**
 * Loads each rewritten file first in a fresh process and compares every copy loaded with it to the
 * module it came from: a copy made while that module was still loading (a require cycle) would be
 * undefined, where the getter would have found the value later. Throws naming the copies that differ.
 */
function checkReexports(byFile) {
  const probe = `
    const byFile = JSON.parse(process.argv[1]);
    const path = require('node:path');
const ts = require('typescript');
    require(process.argv[2]);
    const wrong = [];
    for (const [file, list] of Object.entries(byFile)) {
      const loaded = require.cache[file];
      if (loaded === undefined) continue;
      for (const r of list) {
        const source = require.cache[require.resolve(path.resolve(path.dirname(file), r.from))];
        const expected = source === undefined ? undefined : source.exports[r.binding];
        if (expected === undefined || loaded.exports[r.name] !== expected) wrong.push(file + ': ' + r.name);
      }
    }
    if (wrong.length > 0) { console.error(wrong.join('\\n')); process.exit(1); }
  `;
  for (const file of Object.keys(byFile)) {
    try {
      execFileSync(process.execPath, ['-e', probe, JSON.stringify(byFile), file], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      throw new Error(`plain-reexports: loading ${file} first leaves copies that differ from their modules (a require cycle?):\n${String(err.stderr)}`);
    }
  }
}

module.exports = { reexportsOf, lazyNames, copyableReexports, plainReexports, checkReexports };
