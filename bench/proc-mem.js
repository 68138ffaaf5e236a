/**
 * RSS split from /proc/self/status, for the memory benchmarks (overhead-app.js, rss-stages.js,
 * load-cost.js, outside-heap.js). Not part of the library.
 */
'use strict';
const fs = require('node:fs');

/**
 * RssAnon / RssFile in MB: file-backed pages are mostly the node binary's code, shared between
 * processes; anonymous ones are the heaps. NaN for both without procfs.
 */
function rssSplitMB() {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const field = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))[1]) / 1024;
    return { anon: field('RssAnon'), file: field('RssFile') };
  } catch {
    return { anon: NaN, file: NaN };
  }
}

module.exports = { rssSplitMB };
