/**
 * The fixed unit of work of the overhead benchmarks (bench/overhead-app.js, bench/overhead-toggle.js):
 * a mix of arithmetic, JSON and short-lived objects. Not part of the library.
 */
'use strict';

function unitOfWork(i) {
  let x = 0;
  for (let k = 0; k < 2000; k++) x += Math.sqrt(k + i) * Math.sin(k);
  const o = { id: i, items: Array.from({ length: 20 }, (_, k) => ({ k, v: `v${k}` })) };
  return x + JSON.parse(JSON.stringify(o)).items.length;
}

module.exports = { unitOfWork };
