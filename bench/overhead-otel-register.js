// Lets a plain `node` child process load the TypeScript sources (as jest does, through swc).
'use strict';
const { transformSync } = require('@swc/core');
const fs = require('node:fs');
require.extensions['.ts'] = function compileTs(module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(src, {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
