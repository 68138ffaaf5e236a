/**
 * The bundle (scripts/bundle.js): the modules most processes load live in dist/src/index.js, and
 * what keeps a file of its own shares their instances through the stubs left in their place.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, makeConsumerProject, repoRoot, runNode } from './consumer';

let project: string;

beforeAll(async () => {
  await ensureBuilt();
  project = makeConsumerProject();
  writeFileSync(join(project, 'identity.cjs'), `
    const dist = ${JSON.stringify(join(repoRoot, 'dist'))};
    const before = new Set(Object.keys(require.cache));
    const otelprof = require('otelprof');
    const files = Object.keys(require.cache).filter((k) => !before.has(k) && k.startsWith(dist));
    const loader = otelprof[Symbol.for('otelprof.bundledModule')];
    const ran = loader.evaluated();
    // A bundled module reached through its own path (the stub) is the bundle's instance.
    const viaStub = require(dist + '/src/errors.js');
    const sampler = require(dist + '/src/sampler/index.js');
    // A module with a file of its own (the lock primitives) throws the bundle's error classes.
    let unlockError;
    try { new otelprof.Mutex().unlock(); } catch (err) { unlockError = err; }
    console.log(JSON.stringify({
      files: files.map((f) => f.slice(dist.length + 1)),
      ran: ran.length,
      sameErrors: viaStub.OtelprofError === otelprof.OtelprofError,
      sameSampler: sampler === loader('src/sampler/index.js'),
      unlockIsOtelprofError: unlockError instanceof otelprof.OtelprofError,
      unlockName: unlockError && unlockError.constructor.name,
      publicNames: Object.keys(otelprof).includes('evaluated') || Object.keys(otelprof).some((k) => k.includes('bundled')),
    }));
  `);
  writeFileSync(join(project, 'stack.cjs'), `
    const { labels } = require('otelprof');
    try { labels('odd'); } catch (err) { console.log(err.stack); }
  `);
});

test('require("otelprof") loads one file of the package; stubs and files of their own share its instances', async () => {
  const res = await runNode(project, ['identity.cjs']);
  expect(res.stderr).toBe('');
  const out = JSON.parse(res.stdout.trim()) as Record<string, unknown>;
  expect(out).toEqual({
    files: ['src/index.js'], ran: expect.any(Number), sameErrors: true, sameSampler: true,
    unlockIsOtelprofError: true, unlockName: 'UnlockOfUnlockedError', publicNames: false,
  });
  expect(out.ran).toBeGreaterThan(30);
});

test('with --enable-source-maps, an error thrown in a bundled module names its TypeScript file and line', async () => {
  const res = await runNode(project, ['--enable-source-maps', 'stack.cjs']);
  expect(res.stderr).toBe('');
  // labels('odd') is refused by the label set's constructor function in src/labels/label-set.ts.
  const firstFrame = res.stdout.split('\n').find((l) => l.trimStart().startsWith('at '));
  expect(firstFrame).toMatch(/src\/labels\/label-set\.ts:\d+:\d+\)?$/);
  const plain = await runNode(project, ['stack.cjs']);
  expect(plain.stdout.split('\n').find((l) => l.trimStart().startsWith('at '))).toMatch(/dist\/src\/index\.js:\d+:\d+\)?$/);
});
