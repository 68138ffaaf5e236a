#!/usr/bin/env node
// Build: generate static protobuf code from proto/, compile TypeScript to dist/, and write
// the ESM entry points that re-export the CommonJS build (so `import` and `require` share one copy).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

function generateProto() {
  const outDir = path.join(root, 'proto', 'generated');
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of fs.readdirSync(path.join(root, 'proto')).filter((f) => f.endsWith('.proto'))) {
    const base = path.join(outDir, file.replace(/\.proto$/, ''));
    run(bin('pbjs'), ['-t', 'static-module', '-w', 'commonjs', '--no-verify', '--no-delimited',
      '--force-number', '-o', `${base}.js`, path.join('proto', file)]);
    run(bin('pbts'), ['-o', `${base}.d.ts`, `${base}.js`]);
  }
}

function compile() {
  run(bin('tsc'), ['-p', 'tsconfig.build.json']);
  const genOut = path.join(root, 'dist', 'proto', 'generated');
  fs.mkdirSync(genOut, { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'proto', 'generated'))) {
    fs.copyFileSync(path.join(root, 'proto', 'generated', f), path.join(genOut, f));
  }
}

// Each ESM entry lists the CommonJS module's exports by name, so `import { x } from 'otelprof'` works.
const esmEntries = { 'index.mjs': '../src/index.js' };
function writeEsm() {
  const esmDir = path.join(root, 'dist', 'esm');
  fs.mkdirSync(esmDir, { recursive: true });
  for (const [file, target] of Object.entries(esmEntries)) {
    const names = Object.keys(require(path.join(esmDir, target))).filter((n) => n !== 'default' && n !== '__esModule');
    const text = `import cjs from '${target}';\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs;\n`;
    fs.writeFileSync(path.join(esmDir, file), text);
  }
}

if (fs.readdirSync(path.join(root, 'proto')).some((f) => f.endsWith('.proto'))) generateProto();
compile();
writeEsm();
