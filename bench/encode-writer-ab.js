#!/usr/bin/env node
/**
 * A/B of the pprof encoder's writer (2026-12-05): otelprof's own `ProtoWriter` (dist/) against the
 * encoder as it was at REV, which drove protobufjs's `Writer` (REV's src/pprof/encode.ts,
 * transpiled on the fly). Same profile, same process, interleaved, median of 25 runs each; checks
 * that both write identical bytes first. Not part of the library.
 *
 *   node scripts/build.js && node bench/encode-writer-ab.js [REV=c224995]
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const rev = process.argv[2] ?? 'c224995';
const ours = require(path.join(root, 'dist', 'src', 'pprof'));

// REV's encoder, with its imports pointed at this checkout.
const oldSource = execFileSync('git', ['show', `${rev}:src/pprof/encode.ts`], { cwd: root, encoding: 'utf8' })
  .replace("from './wire-tags'", `from ${JSON.stringify(path.join(root, 'dist', 'src', 'pprof', 'wire-tags'))}`)
  .replace("from 'protobufjs/minimal'", `from ${JSON.stringify(require.resolve('protobufjs/minimal', { paths: [root] }))}`);
const oldFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otelprof-ab-')), 'old-encode.js');
fs.writeFileSync(oldFile, ts.transpileModule(oldSource, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
const old = require(oldFile);

// 5,000 stacks of 8-31 frames over 2,000 frames, 50,000 samples, a label on a third.
let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const frames = Array.from({ length: 2000 }, (_, i) => ({ functionName: `fn${i}`, fileName: `/app/src/file${i % 97}.js`, line: (i % 500) + 1, column: 3 }));
const stacks = Array.from({ length: 5000 }, () => Array.from({ length: 8 + Math.floor(rnd() * 24) }, () => frames[Math.floor(rnd() * 2000)]));
const b = new ours.ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }], periodType: { type: 'cpu', unit: 'nanoseconds' }, period: 10_000_000 });
for (let i = 0; i < 50000; i++) b.addSample(stacks[i % 5000], [1, 10_000_000], i % 3 === 0 ? [{ key: 'span_id', str: `s${i % 700}` }] : []);
const profile = b.build();

const a = ours.encode(profile);
const o = old.encode(profile);
if (Buffer.compare(Buffer.from(a), Buffer.from(o)) !== 0) throw new Error('the two encoders disagree');
const tNew = [];
const tOld = [];
for (let r = 0; r < 25; r++) {
  let t = performance.now();
  ours.encode(profile);
  tNew.push(performance.now() - t);
  t = performance.now();
  old.encode(profile);
  tOld.push(performance.now() - t);
}
const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
console.log(`Node ${process.versions.node}: ${a.length} bytes, identical; encode median ms: own writer ${median(tNew).toFixed(2)}, protobufjs Writer (${rev}) ${median(tOld).toFixed(2)}`);
