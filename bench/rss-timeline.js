#!/usr/bin/env node
/**
 * RSS over time of the apps bench/overhead.js runs, read from outside through procfs: every
 * `seconds`, one JSON line per running `overhead-app.js` process with its workload, variant, Node
 * major (where the install path names it, else the binary's path), age in seconds and RSS /
 * anonymous RSS in MB. The apps' own figure is their maximum RSS;
 * this shows when it was reached (V8's young generation grows in steps that come sooner or later
 * per process). Runs until killed.
 *
 *   node bench/rss-timeline.js [seconds=15] >> timeline.jsonl
 *   node bench/rss-timeline.js --report timeline.jsonl [bucketSeconds=60]
 * Not part of the library.
 */
'use strict';
const fs = require('node:fs');

const CLOCK_TICKS = 100; // USER_HZ on Linux, the unit of /proc/<pid>/stat's start time

function apps() {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const at = argv.findIndex((a) => a.endsWith('overhead-app.js'));
      if (at < 0) continue;
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (k) => Number(rollup.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))[1]);
      const startTicks = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19]);
      const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      const node = fs.readlinkSync(`/proc/${pid}/exe`);
      found.push({
        pid: Number(pid), workload: argv[at + 1], variant: argv[at + 2],
        // The major from the install path (.ci/node24/...), else the path itself (a system node).
        node: /node(\d+)/.exec(node)?.[1] ?? node,
        ageSeconds: Math.round(uptime - startTicks / CLOCK_TICKS),
        rssMB: +(kb('Rss') / 1024).toFixed(1), anonMB: +(kb('Anonymous') / 1024).toFixed(1),
      });
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

/** Per process: its RSS at the end of each bucket of its age, and its maximum. */
function report(file, bucketSeconds) {
  const byPid = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    if (!byPid.has(r.pid)) byPid.set(r.pid, []);
    byPid.get(r.pid).push(r);
  }
  for (const rows of byPid.values()) {
    const { pid, node, workload, variant } = rows[0];
    const buckets = new Map();
    for (const r of rows) buckets.set(Math.floor(r.ageSeconds / bucketSeconds) * bucketSeconds, r.rssMB);
    const max = Math.max(...rows.map((r) => r.rssMB));
    const list = [...buckets].map(([s, mb]) => `${s}s ${mb}`).join(', ');
    process.stdout.write(`node${node} ${workload}/${variant} (pid ${pid}): max ${max}; ${list}\n`);
  }
}

if (process.argv[2] === '--report') {
  report(process.argv[3], Number(process.argv[4] ?? 60));
} else {
  const seconds = Number(process.argv[2] ?? 15);
  if (!(seconds > 0)) throw new Error(`seconds must be a positive number (actual: ${process.argv[2]})`);
  const tick = () => apps().forEach((a) => process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...a })}\n`));
  tick();
  setInterval(tick, seconds * 1000);
}
