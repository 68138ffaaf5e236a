/**
 * The fixed unit of work of the overhead benchmarks (bench/overhead-app.js, bench/overhead-toggle.js):
 * a mix of arithmetic, JSON and short-lived objects; and a busy loop of it in short turns for the
 * single-process scripts (first-read, first-read-split, load-rss). Not part of the library.
 */
'use strict';

function unitOfWork(i) {
  let x = 0;
  for (let k = 0; k < 2000; k++) x += Math.sqrt(k + i) * Math.sin(k);
  const o = { id: i, items: Array.from({ length: 20 }, (_, k) => ({ k, v: `v${k}` })) };
  return x + JSON.parse(JSON.stringify(o)).items.length;
}

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
