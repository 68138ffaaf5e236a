/**
 * For the benches that check which function and label a sample lands on: CPU burners with names
 * of their own (the pattern of test/sampler/helpers.ts `namedBurner`, which a bench cannot load),
 * and the function names and labels of each sample of a gzipped pprof profile. Loads dist/.
 * Not part of the library.
 */
'use strict';
const { gunzipSync } = require('node:zlib');
const { decode } = require('../dist/src/pprof');

let fresh = 0;

/**
 * A function named `name` that runs `body` (statements updating `x`) in a loop for `ms` ms of wall
 * time. A unique comment defeats V8's compilation cache: each one is compiled on its own.
 */
function namedBurner(name, body) {
  return new Function(`/* ${fresh++} */ return function ${name}(ms) {
  const end = Date.now() + ms; let x = 0;
  while (Date.now() < end) { ${body} }
  return x;
};`)();
}

/** Each sample of a gzipped pprof profile: function names (leaf first), string labels, first value. */
function profileSamples(gzipped) {
  const p = decode(gunzipSync(gzipped));
  const fnName = new Map(p.functions.map((f) => [f.id, f.name]));
  const locations = new Map(p.locations.map((l) => [l.id, l]));
  return p.samples.map((s) => ({
    functions: s.locationIds.flatMap((id) => locations.get(id).lines.map((ln) => fnName.get(ln.functionId))),
    labels: Object.fromEntries(s.labels.filter((l) => l.str !== undefined).map((l) => [l.key, l.str])),
    value: s.values[0],
  }));
}

module.exports = { namedBurner, profileSamples };
