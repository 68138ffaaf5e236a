#!/usr/bin/env node
/**
 * What compressing profiles leaves in RSS: fresh processes gzip the same 150 KB buffer 20 times,
 * one call after another (as collections do), in one of three ways, and report RSS added
 * (anonymous / file-backed, MB, after a full GC):
 *   per-call   `zlib.gzip()` for each buffer: a new deflate state per call, allocated on the
 *              threadpool thread that runs it first (otelprof before the ninth pass)
 *   otelprof   otelprof's `gzip()` (src/pprof/gzip.ts): one deflate state, reset between buffers
 *   sync       `zlib.gzipSync()` on the main thread (not an option for otelprof: it blocks the loop)
 * The threadpool is started by every mode before the first reading (four `crypto.pbkdf2` calls),
 * so the figures hold compression only, not the threads' start.
 *
 *   node bench/gzip-rss.js [rounds=5]      (run `node scripts/build.js` first)
 * Prints one line per process and the medians. Not part of the library.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { median } = require('./stats');

const MODES = ['per-call', 'otelprof', 'sync'];

function child(mode) {
  const zlib = require('node:zlib');
  const { rssSplitMB } = require('./proc-mem');
  const { gzip } = require(join(__dirname, '..', 'dist', 'src', 'pprof'));
  const input = Buffer.alloc(150_000);
  for (let i = 0; i < input.length; i++) input[i] = ((i * 7919) >> 3) & 0xff ^ (i % 13);
  const level = zlib.constants.Z_BEST_SPEED;
  const once = {
    'per-call': () => new Promise((resolve, reject) => zlib.gzip(input, { level }, (e, r) => (e ? reject(e) : resolve(r)))),
    otelprof: () => gzip(input),
    sync: () => zlib.gzipSync(input, { level }),
  }[mode];
  const pbkdf2 = () => new Promise((r) => require('node:crypto').pbkdf2('a', 'b', 20_000, 32, 'sha256', r));
  const tick = (ms) => new Promise((r) => setTimeout(r, ms));
  (async () => {
    await Promise.all([pbkdf2(), pbkdf2(), pbkdf2(), pbkdf2()]);
    await tick(50);
    global.gc();
    const before = rssSplitMB();
    for (let i = 0; i < 20; i++) {
      await once();
      await tick(20);
    }
    global.gc();
    const after = rssSplitMB();
    console.log(JSON.stringify({ mode, anon: after.anon - before.anon, file: after.file - before.file }));
  })();
}

function main() {
  const rounds = Number(process.argv[2] ?? 5);
  const runs = [];
  for (let r = 0; r < rounds; r++) {
    for (const mode of MODES) {
      const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--child', mode], { encoding: 'utf8' });
      const run = JSON.parse(out.trim().split('\n').pop());
      runs.push(run);
      console.log(`${mode.padEnd(9)} +${run.anon.toFixed(2)} anonymous +${run.file.toFixed(2)} file-backed`);
    }
  }
  console.log(`medians, Node ${process.versions.node}, ${rounds} processes each:`);
  for (const mode of MODES) {
    const mine = runs.filter((x) => x.mode === mode);
    console.log(`  ${mode.padEnd(9)} +${median(mine.map((x) => x.anon)).toFixed(2)} anonymous +${median(mine.map((x) => x.file)).toFixed(2)} file-backed`);
  }
}

if (process.argv[2] === '--child') child(process.argv[3]);
else main();
