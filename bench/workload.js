/**
 * The fixed unit of work of the overhead benchmarks (bench/overhead-app.js, bench/overhead-toggle.js):
 * a mix of arithmetic, JSON and short-lived objects; and a busy loop of it in short turns for the
 * single-process scripts (first-read, first-read-split, load-rss). Not part of the library.
 */
'use strict';

function shallowUnit(i) {
  let x = 0;
  for (let k = 0; k < 2000; k++) x += Math.sqrt(k + i) * Math.sin(k);
  const o = { id: i, items: Array.from({ length: 20 }, (_, k) => ({ k, v: `v${k}` })) };
  return x + JSON.parse(JSON.stringify(o)).items.length;
}

/**
 * STACK_DEPTH=N (diagnostic; default 0): each unit runs under N calls of 64 distinct functions,
 * the path depending on the unit, as a service's code runs under its framework's layers: about 64
 * distinct stacks of N + 3 frames instead of a few of 3-4. The layers are compiled as one script
 * named `bench/deep-layers.js` (a path, as CommonJS code is named; STACK_ESM=1: a file:// URL, as
 * ES modules are), so their frames carry a file name as an app's do.
 */
const STACK_DEPTH = Number(process.env.STACK_DEPTH ?? 0);
const LAYER_COUNT = 64;
function deepLayers() {
  const { join } = require('node:path');
  const { pathToFileURL } = require('node:url');
  const vm = require('node:vm');
  const path = join(__dirname, 'deep-layers.js');
  let src = '(function (work) {\n  const layers = [];\n';
  for (let k = 0; k < LAYER_COUNT; k++) {
    src += `  layers.push(function layer${k}(i, d) {\n    return (d === 0 ? work(i) : layers[(${k} * 7 + i + d) % ${LAYER_COUNT}](i, d - 1)) + 0;\n  });\n`;
  }
  src += '  return layers;\n})';
  return vm.runInThisContext(src, { filename: process.env.STACK_ESM === '1' ? pathToFileURL(path).href : path })(shallowUnit);
}
const layers = STACK_DEPTH > 0 ? deepLayers() : [];
const unitOfWork = STACK_DEPTH > 0 ? (i) => layers[i % LAYER_COUNT](i, STACK_DEPTH - 1) : shallowUnit;

/**
 * Keeps the event loop busy with units of work in turns of `turnMillis`, one loop turn each, so
 * timers and I/O still run between them; calls `afterTurn()` after every turn and stops once it
 * returns false.
 */
function busyTurns(afterTurn, turnMillis = 5) {
  let i = 0;
  (function turn() {
    const end = Date.now() + turnMillis;
    while (Date.now() < end) unitOfWork(i++);
    if (afterTurn() !== false) setImmediate(turn);
  })();
}

module.exports = { unitOfWork, busyTurns };
