#!/usr/bin/env node
// Build: generate static protobuf code from proto/, compile TypeScript to dist/, and write
// the ESM entry points that re-export the CommonJS build (so `import` and `require` share one copy).
//
// Usage: node scripts/build.js [--proto-only] [--allow-type-errors]
//   --proto-only         only generate proto/generated/ (sources import it; `npm run typecheck` needs it)
//   --allow-type-errors  keep going when tsc reports type errors (it still emits dist/); `npm test`
//                        and `npm run demo` use it so one half-written file does not stop every
//                        test. `npm run build` and `npm run typecheck` stay strict.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { adjustMappings } = require('./source-map-lines');
const { checkReexports, copyableReexports, plainReexports } = require('./plain-reexports');
const { stripIndent } = require('./strip-indent');
const { bundle } = require('./bundle');

const root = path.resolve(__dirname, '..');
const allowTypeErrors = process.argv.includes('--allow-type-errors');
const protoOnly = process.argv.includes('--proto-only');
const protoDir = path.join(root, 'proto');
const generatedDir = path.join(protoDir, 'generated');

// Run a package's CLI with the node running this script (not whatever `node` is first on PATH).
const cli = (pkg, rel) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] })), rel);
const runNode = (script, args) => execFileSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : -1);

/** pbjs/pbts for every proto/*.proto, skipped when the generated files are newer than all schemas. */
function generateProto() {
  const protos = fs.readdirSync(protoDir).filter((f) => f.endsWith('.proto'));
  if (protos.length === 0) return;
  // Schemas import each other, so any changed schema regenerates all of them.
  const newestSchema = Math.max(...protos.map((f) => mtime(path.join(protoDir, f))), mtime(__filename));
  fs.mkdirSync(generatedDir, { recursive: true });
  for (const file of protos) {
    const base = path.join(generatedDir, file.replace(/\.proto$/, ''));
    if (mtime(`${base}.js`) > newestSchema && mtime(`${base}.d.ts`) > newestSchema) continue;
    // One protobufjs root per file (-r): files sharing a package (otlp-*.proto) would otherwise
    // overwrite each other's namespace object in the shared "default" root when both are loaded.
    const pbjs = (out, extra) => runNode(cli('protobufjs-cli', 'bin/pbjs'), ['-t', 'static-module', '-w', 'commonjs',
      '--no-verify', '--no-delimited', '--force-number', ...extra, '-r', path.basename(file, '.proto'), '-o', out,
      path.join('proto', file)]);
    // pbts reads the types from the JSDoc comments; the code that loads keeps none of them (about
    // 40% of its text, which every process using the module would hold in memory).
    const documented = `${base}.documented.js`;
    pbjs(documented, []);
    try {
      runNode(cli('protobufjs-cli', 'bin/pbts'), ['-o', `${base}.d.ts`, documented]);
    } finally {
      fs.rmSync(documented); // never copied into dist/ with the generated code
    }
    pbjs(`${base}.js`, ['--no-comments']);
    dropUnusedLongImport(`${base}.d.ts`);
  }
}

/**
 * pbts always writes `import Long = require("long")`; with --force-number nothing uses it, and
 * leaving it would make our published declarations need the `long` package (not a dependency).
 */
function dropUnusedLongImport(dts) {
  const importLine = /^import Long = require\("long"\);\n/m;
  const text = fs.readFileSync(dts, 'utf8');
  const withoutImport = text.replace(importLine, '');
  if (withoutImport !== text && !/\bLong\b/.test(withoutImport)) fs.writeFileSync(dts, withoutImport);
}

/**
 * tsc -p tsconfig.build.json, then copy the generated protobuf code next to the compiled sources.
 * Declarations keep their doc comments (editors show them); the JavaScript is emitted again without
 * comments: a process holds every loaded module's source text for as long as it runs (V8 compiles
 * functions lazily from it), and comments were 30% of it. Source maps lead debuggers to the sources.
 */
function compile() {
  const tsc = cli('typescript', 'bin/tsc');
  try {
    runNode(tsc, ['-p', 'tsconfig.build.json']);
  } catch (err) {
    // tsc exit 2 = type errors but output emitted; anything else means nothing usable was written.
    if (!(allowTypeErrors && err.status === 2)) throw new Error(`tsc failed (exit ${err.status})`);
    console.error('build: type errors above (see `npm run typecheck`); dist/ emitted anyway (--allow-type-errors)');
  }
  // Checked above already: this emit only rewrites the .js files and their maps.
  runNode(tsc, ['-p', 'tsconfig.build.json', '--removeComments', '--declaration', 'false', '--noCheck']);
  if (fs.existsSync(generatedDir)) {
    const genOut = path.join(root, 'dist', 'proto', 'generated');
    fs.mkdirSync(genOut, { recursive: true });
    for (const f of fs.readdirSync(generatedDir)) {
      fs.copyFileSync(path.join(generatedDir, f), path.join(genOut, f));
    }
  }
  leanJs(['src', 'exporters', 'proto'].map((d) => path.join(root, 'dist', d)).filter((d) => fs.existsSync(d)));
}

/**
 * Less for a process to keep of each module it loads: re-exports as plain properties
 * (scripts/plain-reexports.js) and no indentation (scripts/strip-indent.js), with the source maps'
 * columns moved to match.
 */
function leanJs(dirs) {
  const texts = new Map();
  for (const dir of dirs) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
      const file = path.join(entry.parentPath, entry.name);
      texts.set(file, fs.readFileSync(file, 'utf8'));
    }
  }
  const copyable = copyableReexports(texts);
  for (const [file, original] of texts) {
    const copies = copyable.get(file) ?? [];
    const { text, removed } = stripIndent(file, plainReexports(original, copies));
    fs.writeFileSync(file, text);
    const mapFile = `${file}.map`;
    if (!fs.existsSync(mapFile)) continue;
    const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
    map.mappings = adjustMappings(map.mappings, removed, new Set(copies.map((r) => r.line)));
    fs.writeFileSync(mapFile, JSON.stringify(map));
  }
  checkReexports(Object.fromEntries(copyable));
}

// What the bundle holds (scripts/bundle.js): what `require('otelprof')` loads, labels, and what a
// default `startProfiling()` loads (the scheduler, its configuration, the Pyroscope exporter).
// The rest (the pull endpoint, the lock primitives, the text formats and the decoder, the other
// exporters, the span processor, the CLI) keeps its own files and loads on first use.
const BUNDLED_ENTRIES = ['src/index.js', 'src/labels/index.js', 'src/scheduler/index.js', 'exporters/shared/index.js', 'exporters/pyroscope/index.js'];

// ESM entry points, file in dist/esm -> CommonJS module it re-exports. Each one must also be in
// package.json "exports" (import condition). An entry whose CommonJS module is not built yet is
// skipped, so an entry point can be listed here before its source exists.
const esmEntries = {
  'index.mjs': '../src/index.js', // "."
  'register.mjs': '../src/register.js', // "./register": `node --import otelprof/register app.js`
};

/** Each ESM entry lists the CommonJS module's exports by name, so `import { x } from 'otelprof'` works. */
function writeEsm() {
  const esmDir = path.join(root, 'dist', 'esm');
  fs.mkdirSync(esmDir, { recursive: true });
  for (const [file, target] of Object.entries(esmEntries)) {
    const targetFile = path.join(esmDir, target);
    if (!fs.existsSync(targetFile)) continue;
    // Loading the module to list its names is safe: library modules have no import side effects.
    // register.js is the exception by design (it starts profiling), so it is only imported.
    const names = file === 'register.mjs' ? [] : Object.keys(require(targetFile))
      .filter((n) => n !== 'default' && n !== '__esModule');
    const lines = [`import cjs from '${target}';`];
    if (names.length > 0) lines.push(`export const { ${names.join(', ')} } = cjs;`);
    lines.push('export default cjs;', '');
    fs.writeFileSync(path.join(esmDir, file), lines.join('\n'));
  }
}

try {
  generateProto();
  if (!protoOnly) {
    compile();
    bundle(path.join(root, 'dist'), 'src/index.js', BUNDLED_ENTRIES);
    writeEsm();
  }
} catch (err) {
  console.error(`build: ${err.message}`);
  process.exit(1);
}
