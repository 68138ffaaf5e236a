/**
 * What `require('otelprof')` costs a process that uses only part of it. Load on first use: the
 * parts of otelprof itself that continuous profiling does not need (the pull endpoint, the lock
 * primitives, the text formats, the decoder, merge, the block probe, the span processor: each
 * module a process loads stays in memory, see src/lazy-exports.ts); the
 * exporters; the generated pprof decoder, and protobufjs with it (only reading profiles needs
 * them: pprof and the Pyroscope Push body are written by otelprof's own writer); the source-map
 * library (only for apps whose files have maps: test/sampler/collection-warm-up); `node:http`
 * (only `servePprof` needs it: uploads go through otelprof's own transport on `node:net`, and
 * never load undici, 8.5-16 MB of RSS).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, makeConsumerProject, runNode } from './consumer';

let project: string;

beforeAll(async () => {
  await ensureBuilt();
  project = makeConsumerProject();
  writeFileSync(join(project, 'lazy.cjs'), `
    const dir = process.argv[2];
    // Files Node loaded, and the modules the bundle ran (scripts/bundle.js).
    const evaluated = () => require('otelprof')[Symbol.for('otelprof.bundledModule')].evaluated().map((id) => '/dist/' + id);
    const loaded = (part) => [...Object.keys(require.cache), ...evaluated()].some((k) => k.includes(part));
    const state = () => ({
      undici: loaded('/node_modules/undici/'),
      sourceMap: loaded('/node_modules/source-map/'),
      pyroscopeExporter: loaded('/exporters/pyroscope/'),
      otlpExporter: loaded('/exporters/otlp/'),
      fileExporter: loaded('/exporters/file/'),
      pprofDecoder: loaded('/proto/generated/profile'),
      protobufjs: loaded('/node_modules/protobufjs/'),
      nodeHttp: process.moduleLoadList.includes('NativeModule http'),
      nativeAddon: loaded('/prebuilds/'),
      nodeGypBuild: loaded('/node_modules/node-gyp-build/'),
    });
    (async () => {
      const otelprof = require('otelprof');
      const out = { afterRequire: state() };
      const a = otelprof.startProfiling({ serviceName: 'lazy', exporters: ['file'], fileExportDir: dir, profileTypes: ['cpu'] });
      out.withFileExporter = state();
      await a.shutdown();
      const b = otelprof.startProfiling({
        serviceName: 'lazy', serverAddress: 'http://127.0.0.1:9', profileTypes: ['heap'], shutdownTimeoutMillis: 200,
      });
      out.withPyroscopeExporter = state();
      await b.shutdown();
      const server = await otelprof.servePprof({ port: 0 });
      out.withPprofServer = state();
      await server.close();
      console.log(JSON.stringify(out));
    })();`);
  // Which of otelprof's own files are loaded: after require, after a default startProfiling that
  // uploaded one period to a loopback sink, and after one Mutex.
  writeFileSync(join(project, 'own-files.cjs'), `
    const http = require('node:http');
    const dist = require('node:path').join(require('node:path').dirname(require.resolve('otelprof/package.json')), 'dist') + '/';
    // Files Node loaded, and the modules the bundle ran (scripts/bundle.js).
    const bundled = () => require('otelprof')[Symbol.for('otelprof.bundledModule')].evaluated();
    const own = () => [...new Set([...Object.keys(require.cache).filter((k) => k.startsWith(dist)).map((k) => k.slice(dist.length)), ...bundled()])];
    const otelprof = require('otelprof');
    const out = { afterRequire: own() };
    let uploads = 0;
    const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => { uploads++; res.end(); }); });
    sink.listen(0, '127.0.0.1', async () => {
      const profiler = otelprof.startProfiling({ serviceName: 'own-files', serverAddress: 'http://127.0.0.1:' + sink.address().port });
      const end = Date.now() + 200;
      while (Date.now() < end);
      await profiler.forceFlush();
      out.uploads = uploads;
      out.afterPeriod = own();
      await profiler.shutdown();
      sink.close();
      await new otelprof.Mutex().runExclusive(() => undefined);
      out.afterMutex = own();
      console.log(JSON.stringify(out));
    });`);
});

test('the exporters, source-map, node:http and the native addon load only when used; undici and node-gyp-build never', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-lazy-'));
  const res = await runNode(project, ['lazy.cjs', dir]);
  expect(res.stderr).toBe('');
  const out = JSON.parse(res.stdout.trim().split('\n').pop() ?? '') as Record<string, Record<string, boolean>>;
  expect(out.afterRequire).toEqual({
    undici: false, sourceMap: false, pyroscopeExporter: false, otlpExporter: false, fileExporter: false, pprofDecoder: false, protobufjs: false,
    nodeHttp: false, nativeAddon: false, nodeGypBuild: false,
  });
  // The native sampler runs; its prebuilt binary was found without node-gyp-build (src/sampler/native-addon.ts).
  expect(out.withFileExporter).toEqual({
    undici: false, sourceMap: false, pyroscopeExporter: false, otlpExporter: false, fileExporter: true, pprofDecoder: false, protobufjs: false,
    nodeHttp: false, nativeAddon: true, nodeGypBuild: false,
  });
  expect(out.withPyroscopeExporter).toMatchObject({ undici: false, pyroscopeExporter: true, otlpExporter: false, pprofDecoder: false, protobufjs: false, nodeHttp: false });
  expect(out.withPprofServer).toMatchObject({ undici: false, nodeHttp: true });
});

/** Files of otelprof that neither require('otelprof') nor a default startProfiling needs. */
const UNUSED_BY_DEFAULT = [
  'src/http/', 'src/sync/', 'src/pprof/decode', 'src/pprof/merge', 'src/pprof/text-', 'src/sampler/loop-block',
  'src/profiles/builtin-block', 'src/profiles/builtin-mutex', 'src/otel/span-processor', 'src/otel/node-sdk',
  'src/otel/thread-context', 'src/otel/context-manager',
];

test('otelprof loads its pull endpoint, lock primitives, text formats and span processor only when used', async () => {
  const res = await runNode(project, ['own-files.cjs']);
  expect(res.stderr).toBe('');
  const out = JSON.parse(res.stdout.trim().split('\n').pop() ?? '') as { afterRequire: string[]; afterPeriod: string[]; afterMutex: string[]; uploads: number };
  const matching = (files: string[], parts: string[]): string[] => files.filter((f) => parts.some((p) => f.startsWith(p)));
  // Continuous profiling's own parts load with startProfiling, not with the package.
  expect(matching(out.afterRequire, [
    ...UNUSED_BY_DEFAULT, 'src/scheduler/', 'src/config/', 'src/profiles/builtin-heap', 'src/profiles/builtin-goroutine', 'src/sampler/async-resources',
    'src/sampler/workers', 'src/otel/',
  ])).toEqual([]);
  expect(out.afterRequire).toContain('src/sampler/cpu-sampler.js');
  expect(out.uploads).toBeGreaterThan(0);
  expect(matching(out.afterPeriod, UNUSED_BY_DEFAULT)).toEqual([]);
  expect(out.afterPeriod).toEqual(expect.arrayContaining(['src/scheduler/scheduler.js', 'src/profiles/builtin-heap.js', 'exporters/pyroscope/exporter.js', 'src/otel/resource-labels.js']));
  expect(out.afterMutex).toContain('src/sync/mutex.js');
});

test('every name an index declares for loading on first use has a value', () => {
  const src = join(__dirname, '..', '..', 'src');
  const indexes = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f === 'index.ts' || f.endsWith('/index.ts'));
  const declared = indexes.flatMap((f) => [...readFileSync(join(src, f), 'utf8').matchAll(/^export declare const (\w+)/gm)]
    .map((m) => ({ index: f, name: m[1] })));
  expect(declared.length).toBeGreaterThan(40); // the scan itself finds them
  const missing = declared.filter(({ index, name }) => (require(join(src, index)) as Record<string, unknown>)[name] === undefined);
  expect(missing).toEqual([]);
});
