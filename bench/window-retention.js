#!/usr/bin/env node
/**
 * Whether rotated CPU windows' samples outlive them through scavenges: a 1 kHz window rotated every
 * `windowMillis` of work, each window dropped at once and two forced scavenges after it (enough to
 * promote what is still referenced); prints the process's array-buffer bytes (the windows' columns
 * live there) every 10 rotations and after a full GC. Growing figures that fall back at the full GC
 * are windows kept until a mark-compact (bench/RESULTS.md, twenty-sixth pass).
 *
 *   node --expose-gc bench/window-retention.js [rotations=40] [windowMillis=200]
 * DIST=<dir> loads another build (default: a node_modules copy, bench/installed-copy.js). Not part
 * of the library.
 */
'use strict';
const { installedCopy } = require('./installed-copy');

const DIST = process.env.DIST ?? installedCopy();
const rotations = Number(process.argv[2] ?? 40);
const windowMillis = Number(process.argv[3] ?? 200);

require(`${DIST}/src/index`);
const { openCpuWindow } = require(`${DIST}/src/sampler`);
const kb = () => (process.memoryUsage().arrayBuffers / 1024).toFixed(0);

function burn(ms) {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  return x;
}

const w = openCpuWindow({ hz: 1000 });
/** In its own frame, so no register of the caller holds the window through the scavenges. */
function rotateAndCount() {
  return w.rotate().samples.length;
}

(async () => {
  console.log(`start: array buffers ${kb()} KB`);
  let samples = 0;
  for (let i = 1; i <= rotations; i++) {
    for (let k = 0; k < windowMillis / 10; k++) {
      burn(10);
      await new Promise((r) => setImmediate(r));
    }
    samples += rotateAndCount();
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    if (i <= 3 || i % 10 === 0) console.log(`rotation ${i}: ${samples} samples so far, array buffers ${kb()} KB`);
  }
  gc();
  await new Promise((r) => setTimeout(r, 50));
  console.log(`after a full GC: array buffers ${kb()} KB`);
  w.close();
})();
