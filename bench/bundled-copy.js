/**
 * One bundled file of the modules bench/overhead-app.js uses, next to the node_modules copy of
 * bench/installed-copy.js, so an app can load otelprof as one module instead of 128 (what that
 * saves at start-up: bench/RESULTS.md, twenty-third pass). The same code, only the module count
 * differs: whitespace is removed, names are kept. Since the twenty-fifth pass the build bundles what
 * most processes load itself (scripts/bundle.js); this esbuild bundle of the whole package is kept to
 * reproduce the twenty-third pass. Needs esbuild, which is not a dependency:
 *
 *   npm install --no-save --prefix /tmp/esb esbuild@0.25.12
 *   ESBUILD=/tmp/esb/node_modules/esbuild node bench/overhead.js ...   (a variant with @bundle=1)
 *
 * Not part of the library.
 */
'use strict';
const fs = require('node:fs');
const { dirname, join } = require('node:path');

/** What overhead-app.js loads (its `dist()` names), each on first use as in the per-file copy. */
const MODULES = {
  index: 'dist/src/index',
  sampler: 'dist/src/sampler',
  'sampler/cpu-sampler': 'dist/src/sampler/cpu-sampler',
  pprof: 'dist/src/pprof',
  profiles: 'dist/src/profiles',
  scheduler: 'dist/src/scheduler',
  'exporters/shared': 'dist/exporters/shared',
};

/** Bundles the copy whose dist/ is `distDir`; returns the bundle's path. */
function bundledCopy(distDir) {
  const esbuildPath = process.env.ESBUILD ?? 'esbuild';
  let esbuild;
  try {
    esbuild = require(esbuildPath);
  } catch (err) {
    throw new Error(`bundledCopy: cannot load esbuild from ${esbuildPath} (set ESBUILD; see bench/bundled-copy.js): ${err.message}`);
  }
  const pkg = dirname(distDir);
  const entry = join(pkg, 'bench-bundle-entry.js');
  const getters = Object.entries(MODULES).map(([name, path]) => `  get ${JSON.stringify(name)}() { return require(${JSON.stringify(`./${path}`)}); },`);
  fs.writeFileSync(entry, `'use strict';\nmodule.exports = {\n${getters.join('\n')}\n};\n`);
  const outfile = join(pkg, 'bench-bundle.js');
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifyWhitespace: true,
    outfile,
    logLevel: 'error',
    // Packages stay packages; the generated protobuf code (OTLP exporter, decoder) is not used by the apps.
    external: ['@datadog/pprof', 'source-map', 'protobufjs', '@opentelemetry/*', '*/generated/otlp-profiles-service', '*/generated/profile'],
  });
  return outfile;
}

module.exports = { bundledCopy };
