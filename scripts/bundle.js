// Puts the modules most processes load into one file, dist/src/index.js (the package's main).
//
// Why: V8 counts every object that survives a scavenge towards growing its young generation, and a
// process keeps each loaded module for its lifetime. Loaded one file at a time, each module cost its
// text twice (V8 copies a string of up to 128 KB once and then promotes it) plus the loader's records
// (about 2.5 KB); one file over 128 KB is allocated in the large-object space, promoted in place and
// counted once (bench/RESULTS.md, twenty-fifth pass). A bundled module still runs only when first
// required, as before.
//
// How: each module's compiled text goes in verbatim, wrapped in the function Node would wrap it in,
// so a module sees the same `exports`, `module`, `__filename` and `__dirname`. Its `require` finds a
// bundled module by path, and hands everything else to Node. The other files of dist/ stay as they
// are; where a bundled module's file was, a stub now returns the bundle's instance, so a module
// loaded from its own file (the pull endpoint, the lock primitives) shares the bundle's state. The
// source maps of the modules are joined into one, line by line.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { decodeMappings, encodeMappings } = require('./source-map-lines');

/** The symbol under which the bundle's entry exports its module loader (for the stubs). */
const LOADER = 'otelprof.bundledModule';
const SOURCE_MAP_LINE = /\n\/\/# sourceMappingURL=[^\n]*$/;

/** Own modules (paths under `dist`, '/'-separated) that requiring each of `entries` loads, in a fresh process. */
function modulesLoadedBy(dist, entries) {
  const probe = `
    const [dist, ...entries] = process.argv.slice(1);
    const before = new Set(Object.keys(require.cache));
    for (const e of entries) require(require('node:path').join(dist, e));
    const own = Object.keys(require.cache).filter((k) => !before.has(k) && k.startsWith(dist + '/') && k.endsWith('.js'));
    console.log(JSON.stringify(own.map((k) => k.slice(dist.length + 1))));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', probe, dist, ...entries], { encoding: 'utf8' }));
}

/** The loader at the end of the bundle: Node's CommonJS rules for the bundled modules (emitted unindented, as the rest). */
function runtime(entry) {
  return `;
  const { join: joinPath, posix: posixPath } = require('node:path');
  const distDir = joinPath(__dirname, ${JSON.stringify(path.posix.relative(path.posix.dirname(entry), '.') || '.')});
  const cache = Object.create(null);
  function requireFrom(id) {
    const dir = posixPath.dirname(id);
    const req = (request) => {
      if (!request.startsWith('.')) return require(request);
      const target = posixPath.join(dir, request);
      const bundled = [target + '.js', target + '/index.js', target].find((c) => c in modules);
      return bundled === undefined ? require(joinPath(distDir, target)) : load(bundled);
    };
    req.resolve = (request, options) => require.resolve(request.startsWith('.') ? joinPath(distDir, dir, request) : request, options);
    return req;
  }
  function run(id, mod) {
    cache[id] = mod;
    modules[id].call(mod.exports, mod.exports, requireFrom(id), mod, joinPath(distDir, id), joinPath(distDir, posixPath.dirname(id)));
    return mod.exports;
  }
  function load(id) {
    if (!(id in modules)) throw new Error('otelprof: ' + id + ' is not in the bundle');
    const cached = cache[id];
    return cached === undefined ? run(id, { exports: {}, id }) : cached.exports;
  }
  load.evaluated = () => Object.keys(cache);
  Object.defineProperty(module.exports, Symbol.for(${JSON.stringify(LOADER)}), { value: load });
  run(${JSON.stringify(entry)}, module);
`.replace(/^ +/gm, '');
}

/** The stub left where a bundled module's file was. */
function stub(id, entry) {
  const rel = path.posix.relative(path.posix.dirname(id), entry);
  return `"use strict";\nmodule.exports = require(${JSON.stringify(rel.startsWith('.') ? rel : `./${rel}`)})[Symbol.for(${JSON.stringify(LOADER)})](${JSON.stringify(id)});\n`;
}

/**
 * Bundles into `dist/<entry>` the modules that requiring each of `entries` loads. Returns the
 * bundled module paths.
 */
function bundle(dist, entry, entries) {
  const ids = modulesLoadedBy(dist, entries);
  if (!ids.includes(entry)) throw new Error(`bundle: ${entry} is not among the modules ${entries.join(', ')} load`);
  const mapDir = path.dirname(path.join(dist, entry));
  const lines = ['"use strict";', 'const modules = {'];
  const mapLines = [[], []];
  const sources = [];
  const names = [];
  for (const id of ids) {
    const file = path.join(dist, id);
    const text = fs.readFileSync(file, 'utf8').replace(SOURCE_MAP_LINE, '').split('\n');
    lines.push(`${JSON.stringify(id)}: function (exports, require, module, __filename, __dirname) {`, ...text, '},');
    mapLines.push([]);
    const mapFile = `${file}.map`;
    const moduleLines = text.map(() => []);
    if (fs.existsSync(mapFile)) {
      const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
      const sourceBase = sources.length;
      const nameBase = names.length;
      for (const s of map.sources) sources.push(path.relative(mapDir, path.resolve(path.dirname(file), map.sourceRoot ?? '', s)).split(path.sep).join('/'));
      names.push(...(map.names ?? []));
      decodeMappings(map.mappings).forEach((segments, i) => {
        if (i < moduleLines.length) moduleLines[i] = segments.map(([col, src, line, c, name]) => (name === undefined ? [col, src + sourceBase, line, c] : [col, src + sourceBase, line, c, name + nameBase]));
      });
      fs.rmSync(mapFile);
    }
    mapLines.push(...moduleLines, []);
  }
  lines.push('};');
  const entryFile = path.join(dist, entry);
  const mapName = `${path.basename(entryFile)}.map`;
  const code = `${lines.join('\n')}${runtime(entry)}//# sourceMappingURL=${mapName}`;
  for (const id of ids) if (id !== entry) fs.writeFileSync(path.join(dist, id), stub(id, entry));
  fs.writeFileSync(entryFile, code);
  fs.writeFileSync(`${entryFile}.map`, JSON.stringify({ version: 3, file: path.basename(entryFile), sources, names, mappings: encodeMappings(mapLines) }));
  return ids;
}

module.exports = { bundle, modulesLoadedBy, LOADER };
