#!/usr/bin/env node
/**
 * Reads `--trace-gc-nvp` output (e.g. what bench/overhead.js keeps with
 * APP_NODE_ARGS=--trace-gc-nvp APP_STDOUT_DIR=<dir>) and prints the scavenges that matter for the
 * young generation's size: those where its capacity changed or more than 100 KB survived, with the
 * bytes promoted and kept (`new_space_survived`) and their running sum. V8 grows the young
 * generation once about its capacity in bytes has survived scavenges since the last growth.
 *
 *   node bench/gc-survivors.js <file>...
 *   node bench/gc-survivors.js --per-seconds 5 <file>...   (capacity changes, sums per 5 s instead)
 *   node bench/gc-survivors.js --collections 60 330 <file>...   (per collection, see reportCollections)
 * Not part of the library.
 */
'use strict';
const fs = require('node:fs');

/**
 * Every GC of a `--trace-gc-nvp` trace in order, as { ms, gc (its kind: `s`, `mc`...), field(name) }
 * where field reads a numeric name=value of the line (0 when absent); a line starting with `MARK `
 * (printed by bench/gc-survivors-steps.js) comes through as { mark }.
 */
function* gcEvents(text) {
  for (const line of text.split('\n')) {
    if (line.startsWith('MARK ')) {
      yield { mark: line.slice(5) };
      continue;
    }
    const m = line.match(/\s(\d+) ms: pause=[\d.]+ .*?gc=(\w+)/);
    if (!m) continue;
    yield { ms: Number(m[1]), gc: m[2], field: (k) => Number((line.match(new RegExp(`\\b${k}=(\\d+)`)) ?? [])[1] ?? 0) };
  }
}

/** The scavenges of a trace in order, as { ms, promoted, survived, capacity, allocated }; marks as { mark }. */
function* scavenges(text) {
  for (const e of gcEvents(text)) {
    if (e.mark !== undefined) {
      yield e;
      continue;
    }
    if (e.gc !== 's') continue;
    yield {
      ms: e.ms, promoted: e.field('promoted'), survived: e.field('new_space_survived'),
      capacity: e.field('new_space_capacity'), allocated: e.field('allocated'),
    };
  }
}

function report(file) {
  process.stdout.write(`== ${file}\n`);
  let sum = 0;
  let lastCapacity = 0;
  let count = 0;
  for (const s of scavenges(fs.readFileSync(file, 'utf8'))) {
    if (s.mark !== undefined) continue;
    sum += s.promoted + s.survived;
    count++;
    if (s.capacity !== lastCapacity || s.promoted + s.survived > 100_000) {
      process.stdout.write(`${String(s.ms).padStart(7)} ms  promoted ${String(s.promoted).padStart(7)}  survived ${String(s.survived).padStart(7)}  capacity ${s.capacity}  sum ${sum}\n`);
    }
    lastCapacity = s.capacity;
  }
  process.stdout.write(`scavenges ${count}, promoted + survived ${sum} bytes\n`);
}

/**
 * Capacity changes, and bytes kept + promoted summed per `seconds` of the trace. Node 20's trace
 * has no capacity field: there the median of bytes allocated between scavenges per `seconds`
 * stands for it (a scavenge comes when the young generation is full).
 */
function reportPer(file, seconds) {
  process.stdout.write(`== ${file}\n`);
  const sums = new Map();
  const allocated = new Map();
  let lastCapacity = 0;
  for (const s of scavenges(fs.readFileSync(file, 'utf8'))) {
    if (s.mark !== undefined) continue;
    const from = Math.floor(s.ms / 1000 / seconds) * seconds;
    sums.set(from, (sums.get(from) ?? 0) + s.promoted + s.survived);
    if (!allocated.has(from)) allocated.set(from, []);
    allocated.get(from).push(s.allocated);
    if (s.capacity !== lastCapacity) process.stdout.write(`capacity ${s.capacity} from ${s.ms} ms\n`);
    lastCapacity = s.capacity;
  }
  const list = [...sums].map(([from, bytes]) => `${from}s ${(bytes / 1024).toFixed(0)}`).join(', ');
  process.stdout.write(`kept + promoted per ${seconds} s, KB: ${list}\n`);
  if (lastCapacity !== 0) return;
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const sizes = [...allocated].map(([from, a]) => `${from}s ${(median(a) / 2 ** 20).toFixed(1)}`).join(', ');
  process.stdout.write(`no capacity in the trace; median MB allocated between scavenges per ${seconds} s: ${sizes}\n`);
}

/**
 * What each collection leaves, in a trace of a process collecting every few seconds whose own
 * scavenges keep little (bench/outside-heap.js timed): a scavenge keeping or promoting 3 KB or more
 * opens a collection, and the scavenges of the next 400 ms are added to it. Prints the median,
 * range and mean per collection and the rest of the scavenges' sum, between `from` and `to` s.
 */
function reportCollections(file, from, to) {
  const collections = [];
  let current;
  let all = 0;
  for (const s of scavenges(fs.readFileSync(file, 'utf8'))) {
    if (s.mark !== undefined || s.ms < from * 1000 || s.ms > to * 1000) continue;
    const bytes = s.promoted + s.survived;
    all += bytes;
    if (current !== undefined && s.ms - current.ms <= 400) current.bytes += bytes;
    else if (bytes >= 3000) collections.push((current = { ms: s.ms, bytes }));
  }
  const kb = collections.map((c) => c.bytes / 1024).sort((a, b) => a - b);
  const inCollections = kb.reduce((a, b) => a + b, 0);
  process.stdout.write(`== ${file}, ${from}-${to} s: ${kb.length} collections, KB kept + promoted each: median ${kb[kb.length >> 1].toFixed(1)}, ${kb[0].toFixed(1)}-${kb[kb.length - 1].toFixed(1)}, mean ${(inCollections / kb.length).toFixed(1)}; other scavenges ${(all / 1024 - inCollections).toFixed(0)} KB\n`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--collections') {
    const [from, to] = [Number(args[1]), Number(args[2])];
    if (!(to > from)) throw new Error(`--collections <from s> <to s>: to must be after from (actual: ${args[1]}, ${args[2]})`);
    args.slice(3).forEach((f) => reportCollections(f, from, to));
  } else if (args[0] === '--per-seconds') {
    const seconds = Number(args[1]);
    if (!(seconds > 0)) throw new Error(`--per-seconds must be a positive number (actual: ${args[1]})`);
    args.slice(2).forEach((f) => reportPer(f, seconds));
  } else {
    args.forEach(report);
  }
}

/**
 * Scavenges twice (keeps, then promotes what the step before left alive), then prints a marker
 * line into the `--trace-gc-nvp` output, which `scavenges` yields as { mark }. Needs `--expose-gc`.
 */
function mark(label) {
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  process.stdout.write(`MARK ${label}\n`);
}

module.exports = { gcEvents, scavenges, mark };
