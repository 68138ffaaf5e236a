/**
 * What `require('otelprof')` costs a process that uses only part of it. Load on first use: the
 * exporters; the generated pprof decoder, and protobufjs with it (only reading profiles needs
 * them: pprof and the Pyroscope Push body are written by otelprof's own writer); the source-map
 * library (only for apps whose files have maps: test/sampler/collection-warm-up); `node:http`
 * (only `servePprof` needs it: uploads go through otelprof's own transport on `node:net`, and
 * never load undici, 8.5-16 MB of RSS).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, makeConsumerProject, runNode } from './consumer';

let project: string;

beforeAll(async () => {
  await ensureBuilt();
  project = makeConsumerProject();
  writeFileSync(join(project, 'lazy.cjs'), `
    const dir = process.argv[2];
    const loaded = (part) => Object.keys(require.cache).some((k) => k.includes(part));
    const state = () => ({
      undici: loaded('/node_modules/undici/'),
      sourceMap: loaded('/node_modules/source-map/'),
      pyroscopeExporter: loaded('/exporters/pyroscope/'),
      otlpExporter: loaded('/exporters/otlp/'),
      fileExporter: loaded('/exporters/file/'),
      pprofDecoder: loaded('/proto/generated/profile'),
      protobufjs: loaded('/node_modules/protobufjs/'),
      nodeHttp: process.moduleLoadList.includes('NativeModule http'),
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
});

test('the exporters, source-map and node:http load only when used; undici never', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-lazy-'));
  const res = await runNode(project, ['lazy.cjs', dir]);
  expect(res.stderr).toBe('');
  const out = JSON.parse(res.stdout.trim().split('\n').pop() ?? '') as Record<string, Record<string, boolean>>;
  expect(out.afterRequire).toEqual({ undici: false, sourceMap: false, pyroscopeExporter: false, otlpExporter: false, fileExporter: false, pprofDecoder: false, protobufjs: false, nodeHttp: false });
  expect(out.withFileExporter).toEqual({ undici: false, sourceMap: false, pyroscopeExporter: false, otlpExporter: false, fileExporter: true, pprofDecoder: false, protobufjs: false, nodeHttp: false });
  expect(out.withPyroscopeExporter).toMatchObject({ undici: false, pyroscopeExporter: true, otlpExporter: false, pprofDecoder: false, protobufjs: false, nodeHttp: false });
  expect(out.withPprofServer).toMatchObject({ undici: false, nodeHttp: true });
});
