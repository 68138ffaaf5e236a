#!/usr/bin/env node
/**
 * Whether the whole pipeline's JS heap grows with the periods it runs: startProfiling() with its
 * defaults and 1 s periods (so minutes make hundreds), uploading to a loopback sink in the process,
 * while a timer runs a little work under runWithLabels every 5 ms (50 distinct label sets). Every
 * 15 s: heap used after two full GCs, array buffers, RSS. A leak grows with the periods; caches and
 * V8's compiled code level off.
 *
 *   node --expose-gc bench/pipeline-heap-growth.js [seconds=240]
 * DIST=<dir> loads another build (default: a node_modules copy, bench/installed-copy.js). Not part
 * of the library.
 */
'use strict';
const { installedCopy } = require('./installed-copy');
const { startPushSink } = require('./push-sink');

const DIST = process.env.DIST ?? installedCopy();
const seconds = Number(process.argv[2] ?? 240);

startPushSink().then((port) => {
  const otelprof = require(`${DIST}/src/index`);
  const profiler = otelprof.startProfiling({ serviceName: 'heap-growth', serverAddress: `http://127.0.0.1:${port}`, uploadIntervalMillis: 1000 });
  let n = 0;
  const work = setInterval(() => {
    otelprof.runWithLabels(otelprof.labels('req', `r${n++ % 50}`), () => {
      let x = 0;
      for (let i = 0; i < 2e5; i++) x += Math.sqrt(i);
      return x;
    });
  }, 5);
  const t0 = Date.now();
  const report = setInterval(() => {
    gc();
    gc();
    const m = process.memoryUsage();
    const t = Math.round((Date.now() - t0) / 1000);
    console.log(JSON.stringify({ t, periods: profiler.stats.periods, heapUsedMB: +(m.heapUsed / 1048576).toFixed(2), abKB: Math.round(m.arrayBuffers / 1024), rssMB: +(m.rss / 1048576).toFixed(1) }));
    if (t >= seconds) {
      clearInterval(report);
      clearInterval(work);
      profiler.shutdown();
    }
  }, 15_000);
});
