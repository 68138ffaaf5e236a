/**
 * A copy of the built package under `bench/.installed/node_modules/otelprof`, so benchmarks load
 * otelprof the way an app does: from node_modules. It matters for source maps, which skip
 * node_modules; loaded from the checkout, otelprof's own files (which have maps) made the
 * benchmark load the source-map library and map otelprof's frames, which no user process does.
 * Dependencies resolve up the tree to the checkout's node_modules. Not part of the library.
 */
'use strict';
const fs = require('node:fs');
const { join } = require('node:path');

/** Copies dist/ and package.json (fresh on every call); returns the copy's dist/ directory. */
function installedCopy() {
  const root = join(__dirname, '..');
  const pkg = join(__dirname, '.installed', 'node_modules', 'otelprof');
  fs.rmSync(pkg, { recursive: true, force: true });
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  fs.cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true });
  return join(pkg, 'dist');
}

module.exports = { installedCopy };
