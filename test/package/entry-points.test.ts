/**
 * The built package as a consumer sees it: `require('otelprof')` and `import ... from 'otelprof'`
 * from a project outside the repository, on the node running jest (CI runs this on Node 20 and 24).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { ensureBuilt, makeConsumerProject, repoRoot, runNode } from './consumer';

/** Value (non-type) exports of src/index.ts, read from the source by the TypeScript checker. */
function sourceValueExports(entry: string): string[] {
  const program = ts.createProgram([join(repoRoot, entry)], { module: ts.ModuleKind.CommonJS, noEmit: true });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(repoRoot, entry));
  const moduleSymbol = file && checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`cannot read exports of ${entry}`);
  return checker.getExportsOfModule(moduleSymbol)
    .filter((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((s) => s.name)
    .sort();
}

/** Parses the one JSON line a consumer script prints, with its stderr in the failure message. */
function parseOutput(res: { stdout: string; stderr: string; code: number }): Record<string, unknown> {
  if (res.code !== 0) throw new Error(`consumer exited ${res.code}: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
}

let project: string;

beforeAll(async () => {
  await ensureBuilt();
  project = makeConsumerProject();
  writeFileSync(join(project, 'require.cjs'), `
    const otelprof = require('otelprof');
    const err = new otelprof.InvalidArgumentError('bad value');
    console.log(JSON.stringify({
      node: process.version,
      names: Object.keys(otelprof).sort(),
      code: err.code, isBase: err instanceof otelprof.OtelprofError, isError: err instanceof Error,
      resolved: require.resolve('otelprof'),
    }));`);
  writeFileSync(join(project, 'import.mjs'), `
    import { createRequire } from 'node:module';
    import * as ns from 'otelprof';
    import otelprofDefault, { InvalidArgumentError, OtelprofError } from 'otelprof';
    const cjs = createRequire(import.meta.url)('otelprof');
    const err = new InvalidArgumentError('bad value');
    console.log(JSON.stringify({
      node: process.version,
      names: Object.keys(ns).filter((n) => n !== 'default').sort(),
      code: err.code, isBase: err instanceof OtelprofError,
      // One copy of the library, whichever way it is loaded (registries and CPU ownership are global).
      sameClassAsRequire: cjs.OtelprofError === OtelprofError && cjs.InvalidArgumentError === InvalidArgumentError,
      defaultIsCjs: otelprofDefault === cjs,
      resolved: import.meta.resolve('otelprof'),
    }));`);
  // A short profiled run against a loopback sink; prints the public built-ins that came with otelprof.
  writeFileSync(join(project, 'builtins.cjs'), `
    const http = require('node:http');
    const before = new Set(process.moduleLoadList);
    const publicBuiltins = () => process.moduleLoadList
      .filter((m) => !before.has(m) && m.startsWith('NativeModule ') && !m.startsWith('NativeModule internal/'))
      .map((m) => m.slice('NativeModule '.length));
    const otelprof = require('otelprof');
    let uploads = 0;
    const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => { uploads++; res.end(); }); });
    sink.listen(0, '127.0.0.1', () => {
      const profiler = otelprof.startProfiling({ serviceName: 'load-check', serverAddress: 'http://127.0.0.1:' + sink.address().port, uploadIntervalMillis: 1000 });
      const end = Date.now() + 300;
      while (Date.now() < end);
      profiler.shutdown().then(() => {
        sink.close();
        console.log(JSON.stringify({ builtins: publicBuiltins(), uploads }));
      });
    });`);
  // Go's API in a process without OpenTelemetry: a CPU profile, a heap profile and one pull-endpoint
  // request; then one runWithLabels (labels live in the OTel context). Prints whether the OTel API
  // was loaded after each part, and the profiles' sizes.
  writeFileSync(join(project, 'go-api.cjs'), `
    const { PassThrough } = require('node:stream');
    const http = require('node:http');
    const apiLoaded = () => Object.keys(require.cache).some((p) => p.includes('/@opentelemetry/api/'));
    const sink = () => { const s = new PassThrough(); let n = 0; s.on('data', (c) => { n += c.length; }); return { s, size: () => n }; };
    const otelprof = require('otelprof');
    const afterRequire = apiLoaded();
    (async () => {
      const cpu = sink();
      otelprof.startCPUProfile(cpu.s);
      const end = Date.now() + 300;
      while (Date.now() < end);
      await otelprof.stopCPUProfile();
      const heap = sink();
      await otelprof.writeHeapProfile(heap.s);
      const server = await otelprof.servePprof({ port: 0 });
      const status = await new Promise((resolve, reject) => {
        http.get('http://127.0.0.1:' + server.port + '/debug/pprof/heap?debug=1', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
      });
      await server.close();
      const afterGoApi = apiLoaded();
      otelprof.runWithLabels(otelprof.labels('k', 'v'), () => undefined);
      console.log(JSON.stringify({ afterRequire, afterGoApi, afterLabels: apiLoaded(), cpuBytes: cpu.size(), heapBytes: heap.size(), status }));
    })();`);
  // The same without @opentelemetry/api installed: its resolution fails as it does when the peer
  // dependency is missing. Prints the CPU profile's size and what labels and startProfiling() threw.
  writeFileSync(join(project, 'no-otel-api.cjs'), `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === '@opentelemetry/api' || request.startsWith('@opentelemetry/api/')) {
        throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
      }
      return resolve.call(this, request, ...rest);
    };
    const { PassThrough } = require('node:stream');
    const otelprof = require('otelprof');
    const thrown = (fn) => { try { fn(); return 'no error'; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
    (async () => {
      const s = new PassThrough();
      let cpuBytes = 0;
      s.on('data', (c) => { cpuBytes += c.length; });
      otelprof.startCPUProfile(s);
      const end = Date.now() + 200;
      while (Date.now() < end);
      await otelprof.stopCPUProfile();
      console.log(JSON.stringify({
        cpuBytes,
        labels: thrown(() => otelprof.runWithLabels(otelprof.labels('k', 'v'), () => undefined)),
        startProfiling: thrown(() => otelprof.startProfiling({ serviceName: 'x', serverAddress: 'http://127.0.0.1:9' })),
      }));
    })();`);
});

describe('package entry points', () => {
  it('require("otelprof") loads the CommonJS build with every value export of src/index.ts', async () => {
    const out = parseOutput(await runNode(project, ['require.cjs']));
    expect(out.node).toBe(process.version);
    expect(out.resolved).toBe(join(repoRoot, 'dist', 'src', 'index.js'));
    expect(out.names).toEqual(sourceValueExports('src/index.ts'));
    expect(out).toMatchObject({ code: 'PPROF_ERR_INVALID_ARG', isBase: true, isError: true });
  });

  it('import from "otelprof" gets the same names and the same objects as require', async () => {
    const out = parseOutput(await runNode(project, ['import.mjs']));
    expect(out.node).toBe(process.version);
    expect(out.resolved).toBe(`file://${join(repoRoot, 'dist', 'esm', 'index.mjs')}`);
    expect(out.names).toEqual(sourceValueExports('src/index.ts'));
    expect(out).toMatchObject({ code: 'PPROF_ERR_INVALID_ARG', isBase: true, sameClassAsRequire: true, defaultIsCjs: true });
  });

  it('resolves otelprof/register for --require and --import (resolution only: loading it starts profiling)', async () => {
    const res = await runNode(project, ['--input-type=module', '-e', `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      console.log(JSON.stringify({ cjs: require.resolve('otelprof/register'), esm: import.meta.resolve('otelprof/register') }));`]);
    expect(parseOutput(res)).toEqual({
      cjs: join(repoRoot, 'dist', 'src', 'register.js'),
      esm: `file://${join(repoRoot, 'dist', 'esm', 'register.mjs')}`,
    });
  });

  // Each of these costs RSS in every profiled process (node:https with TLS about 2 MB on Node 24,
  // node:fs/promises about 1 MB, node:inspector 0.5 MB) and only an optional feature needs it.
  // `crypto`: only the pull endpoint's token check needs it (2.5-3.6 MB of RSS where nothing else loads it).
  const OPTIONAL_BUILTINS = ['https', 'tls', 'inspector', 'fs/promises', 'vm', 'v8', 'crypto'];
  /** Runs builtins.cjs (a short profiled run, see beforeAll) with the given sampler backend. */
  async function builtinsLoadedByProfiling(sampler: 'native' | 'inspector'): Promise<{ builtins: string[]; uploads: number }> {
    return parseOutput(await runNode(project, ['builtins.cjs'], 60_000, { OTELPROF_SAMPLER: sampler })) as { builtins: string[]; uploads: number };
  }

  it('profiling to an http:// Pyroscope with the native sampler loads none of the built-ins only optional features need', async () => {
    const out = await builtinsLoadedByProfiling('native');
    // The run really profiled and uploaded (the last window at shutdown at least).
    expect(out.uploads).toBeGreaterThan(0);
    expect(out.builtins).toEqual(expect.arrayContaining(['zlib']));
    expect(out.builtins.filter((m) => OPTIONAL_BUILTINS.includes(m))).toEqual([]);
  });

  it('the inspector sampler does load node:inspector (the check above can see a load)', async () => {
    const out = await builtinsLoadedByProfiling('inspector');
    expect(out.uploads).toBeGreaterThan(0);
    expect(out.builtins).toContain('inspector');
  });

  it('Go\'s API without OpenTelemetry (CPU and heap profiles, the pull endpoint) does not load @opentelemetry/api; labels do', async () => {
    const out = parseOutput(await runNode(project, ['go-api.cjs'], 60_000));
    // The profiles were written and the endpoint answered.
    expect(out).toMatchObject({ status: 200 });
    expect(out.cpuBytes).toBeGreaterThan(100);
    expect(out.heapBytes).toBeGreaterThan(100);
    expect(out).toMatchObject({ afterRequire: false, afterGoApi: false, afterLabels: true });
  });

  it('without @opentelemetry/api installed, Go\'s API works and labels / startProfiling() throw OtelApiError naming the package', async () => {
    const out = parseOutput(await runNode(project, ['no-otel-api.cjs'], 60_000));
    expect(out.cpuBytes).toBeGreaterThan(100);
    const missing = { name: 'OtelApiError', code: 'PPROF_ERR_OTEL_API_MISSING', message: expect.stringContaining('npm install @opentelemetry/api') };
    expect(out.labels).toEqual(missing);
    expect(out.startProfiling).toEqual(missing);
  });

  it('hides internals behind the exports map', async () => {
    const res = await runNode(project, ['-e', "require('otelprof/dist/src/errors')"]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('every exports entry points at built files', () => {
    const pkg = JSON.parse(require('node:fs').readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    const checked: string[] = [];
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue; // ./package.json
      for (const condition of ['types', 'import', 'require']) {
        expect([subpath, condition, existsSync(join(repoRoot, target[condition]))]).toEqual([subpath, condition, true]);
      }
      checked.push(subpath);
    }
    expect(checked).toEqual(expect.arrayContaining(['.', './register']));
  });
});
