// Lets a worker thread (or child process) require the TypeScript sources directly: each .ts file
// is transpiled on load with the project's TypeScript (type-only, no checking), as jest's
// transform does in the main thread.
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTs(module, filename) {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: false },
  });
  module._compile(out.outputText, filename);
};
