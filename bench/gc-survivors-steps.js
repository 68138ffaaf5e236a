#!/usr/bin/env node
/**
 * What each start-up step of the core sampler leaves alive in V8's young generation: two forced
 * scavenges after each step (`--expose-gc`), then a marker printed into the `--trace-gc-nvp`
 * output; the bytes promoted and kept (`new_space_survived`) are summed from one marker to the
 * next, so each marker's figure is its step's (natural scavenges during it and the two forced after
 * it). V8 grows the young generation once about its capacity in bytes has survived scavenges since
 * the last growth.
 *
 *   node --expose-gc --trace-gc-nvp bench/gc-survivors-steps.js > trace.txt
 *   node bench/gc-survivors-steps.js --report trace.txt
 *   LOAD_ONLY=<module> node --expose-gc --trace-gc-nvp bench/gc-survivors-steps.js > trace.txt
 *     (loading that one module only)
 * Not part of the library.
 */
'use strict';
const fs = require('node:fs');
const { scavenges, mark } = require('./gc-survivors');

const DIST = process.env.DIST ?? `${__dirname}/../dist`;

function report(file) {
  let since = 0;
  let capacity = 0;
  for (const s of scavenges(fs.readFileSync(file, 'utf8'))) {
    if (s.mark === undefined) {
      since += s.promoted + s.survived;
      capacity = s.capacity;
      continue;
    }
    process.stdout.write(`${s.mark.padEnd(50)} promoted + survived since the previous mark ${since}, capacity ${capacity}\n`);
    since = 0;
  }
}

/**
 * The first line written creates process.stdout; until the twenty-fifth pass its objects (about
 * 140 KB kept + promoted) were counted in the first step after the 'start' mark.
 */
function createStdout() {
  mark('stdout created');
}

if (process.argv[2] === '--report') {
  report(process.argv[3]);
} else if (process.env.LOAD_ONLY) {
  createStdout();
  // LOAD_ONLY=<module>: only what loading that module leaves (e.g. a bundled build against dist/src/index.js).
  mark('start');
  require(process.env.LOAD_ONLY);
  mark('loaded');
} else {
  createStdout();
  mark('start');
  require(`${DIST}/src/index`);
  mark('index loaded');
  // What bench/overhead-app.js's otelprof variant loads next: the upload transport (to a port nobody
  // listens on; its loopback warm-up at start is part of the next steps).
  const { exporterTransport } = require(`${DIST}/exporters/shared`);
  exporterTransport({ endpoint: new URL('http://127.0.0.1:9'), timeoutMillis: 10_000, keepAliveMillis: 30_000 });
  mark('exporters/shared loaded, transport made');
  const sampler = require(`${DIST}/src/sampler`);
  const w = sampler.openCpuWindow({ hz: 100 });
  mark('CPU window opened (V8 profiler started)');
  sampler.startHeapSampler({ intervalBytes: 524288 });
  mark('heap sampler started');
  sampler.warmUpCollections();
  setTimeout(() => {
    mark('200 ms (warm-up, early read)');
    setTimeout(() => {
      mark('1200 ms');
      w.close();
    }, 1000);
  }, 200);
}
