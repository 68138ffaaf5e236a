#!/usr/bin/env node
// Encoder benchmark: otelprof's ProfileBuilder + encode + gzip against pprof-format's encoder +
// zlib.gzip on the same synthetic profile, in one process, interleaved, medians of N runs.
// Also: the synchronous (event-loop blocking) part vs the total, and pako vs node:zlib for gzip.
//
// Run after `node scripts/build.js` (it loads ../dist/src/pprof):
//   node bench/encode.js [--reps 15] [--write]      (--write updates the "## encode" section of bench/RESULTS.md)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { performance } = require('node:perf_hooks');
const pako = require('pako');
const pf = require('pprof-format');
const ours = require('../dist/src/pprof');

const args = process.argv.slice(2);
const REPS = Number(args[args.indexOf('--reps') + 1]) || 15;
const STACKS = 5000;
const SAMPLES = 50000;

// ---- synthetic input: 5,000 distinct stacks over 2,000 frames, 50,000 samples, labels on a third.
function makeInput() {
  let seed = 42;
  const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return (seed >>> 8) % n; };
  const frames = Array.from({ length: 2000 }, (_, i) => ({
    id: i, functionName: i % 17 === 0 ? '' : `module${i % 40}.function${i}`,
    fileName: `/srv/app/src/module${i % 40}/file${i % 97}.js`, line: 1 + rnd(400), column: 1 + rnd(80),
  }));
  const stacks = [];
  const seen = new Set();
  while (stacks.length < STACKS) {
    const depth = 8 + rnd(25);
    const s = Array.from({ length: depth }, () => frames[rnd(frames.length)]);
    const key = s.map((f) => f.id).join(',');
    if (!seen.has(key)) { seen.add(key); stacks.push(s); }
  }
  const samples = Array.from({ length: SAMPLES }, (_, i) => ({
    stack: stacks[i < STACKS ? i : rnd(STACKS)],
    values: [1, 10_000_000 + rnd(1000)],
    labels: i % 3 === 0 ? [{ key: 'span_id', str: (i % 700).toString(16).padStart(16, '0') }, { key: 'span_name', str: `GET /route/${i % 13}` }] : undefined,
  }));
  return samples;
}

const sampleTypes = [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }];

function buildOurs(input) {
  const b = new ours.ProfileBuilder({ sampleTypes, periodType: sampleTypes[1], period: 10_000_000, durationNanos: 10e9 });
  for (const s of input) b.addSample(s.stack, s.values, s.labels);
  return b.build();
}

// The baseline: how a pprof-format user builds a profile (DataDog/pprof-nodejs profile-serializer style):
// a StringTable, string-keyed maps for functions, locations and samples, then Profile.encode().
function buildPprofFormat(input) {
  const st = new pf.StringTable();
  const functions = []; const fnIds = new Map();
  const locations = []; const locIds = new Map();
  const samples = []; const sampleIdx = new Map();
  const locOf = (f) => {
    const name = f.functionName || `(anonymous:${path.basename(f.fileName)}:${f.line})`;
    const key = `${name}\0${f.fileName}\0${f.line}\0${f.column}`;
    let id = locIds.get(key);
    if (id === undefined) {
      const fkey = `${name}\0${f.fileName}`;
      let fid = fnIds.get(fkey);
      if (fid === undefined) {
        fid = functions.length + 1; fnIds.set(fkey, fid);
        functions.push(new pf.Function({ id: fid, name: st.dedup(name), systemName: st.dedup(name), filename: st.dedup(f.fileName) }));
      }
      id = locations.length + 1; locIds.set(key, id);
      locations.push(new pf.Location({ id, line: [new pf.Line({ functionId: fid, line: f.line, column: f.column })] }));
    }
    return id;
  };
  for (const s of input) {
    const ids = s.stack.map(locOf);
    const labels = s.labels ? s.labels.slice().sort((a, b) => (a.key < b.key ? -1 : 1)) : [];
    const key = `${ids.join(',')}|${labels.map((l) => `${l.key}=${l.str}`).join(',')}`;
    const idx = sampleIdx.get(key);
    if (idx !== undefined) { samples[idx].value[0] += s.values[0]; samples[idx].value[1] += s.values[1]; continue; }
    sampleIdx.set(key, samples.length);
    samples.push(new pf.Sample({ locationId: ids, value: s.values.slice(), label: labels.map((l) => new pf.Label({ key: st.dedup(l.key), str: st.dedup(l.str) })) }));
  }
  return new pf.Profile({
    sampleType: sampleTypes.map((v) => new pf.ValueType({ type: st.dedup(v.type), unit: st.dedup(v.unit) })),
    periodType: new pf.ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }), period: 10_000_000,
    sample: samples, location: locations, function: functions, stringTable: st, timeNanos: BigInt(Date.now()) * 1_000_000n, durationNanos: 10e9,
  });
}

const gzipAsync = (buf, level) => new Promise((res, rej) => zlib.gzip(buf, { level }, (e, out) => (e ? rej(e) : res(out))));

/** One run of a pipeline: ms spent synchronously (build, encode) and in total (with async gzip). */
async function pipeline(input, which) {
  const t0 = performance.now();
  let raw;
  let t1;
  let out;
  if (which === 'ours') {
    const p = buildOurs(input); t1 = performance.now(); raw = ours.encode(p);
    const t2 = performance.now(); out = await ours.gzip(raw);
    return { build: t1 - t0, encode: t2 - t1, sync: t2 - t0, total: performance.now() - t0, raw: raw.length, gz: out.length };
  }
  const p = buildPprofFormat(input); t1 = performance.now(); raw = p.encode();
  const t2 = performance.now(); out = await gzipAsync(raw, zlib.constants.Z_BEST_SPEED);
  return { build: t1 - t0, encode: t2 - t1, sync: t2 - t0, total: performance.now() - t0, raw: raw.length, gz: out.length };
}

const median = (xs) => { const s = xs.slice().sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x) => x.toFixed(1);

async function main() {
  const input = makeInput();
  // Equivalence check before timing: both encoders describe the same samples.
  const a = ours.decode(ours.encode(buildOurs(input)));
  const b = ours.decode(buildPprofFormat(input).encode());
  if (a.samples.length !== b.samples.length) throw new Error(`sample count differs: ${a.samples.length} vs ${b.samples.length}`);
  for (let i = 0; i < 3; i++) { await pipeline(input, 'ours'); await pipeline(input, 'pf'); } // warm-up
  const runs = { ours: [], pf: [] };
  for (let r = 0; r < REPS; r++) {
    const order = r % 2 ? ['pf', 'ours'] : ['ours', 'pf'];
    for (const w of order) runs[w].push(await pipeline(input, w));
  }
  const med = (w, k) => median(runs[w].map((x) => x[k]));
  const raw = ours.encode(buildOurs(input));
  const gz = await gzipBench(raw);
  const encodeOnly = await encodeOnlyBench(input);
  return { input, a, runs, med, gz, encodeOnly, rawLen: raw.length };
}

/**
 * The same model encoded with the static code pbjs generates from proto/profile.proto: build the
 * string table and message objects, then `Profile.encode(msg).finish()`. The alternative to the
 * hand-driven Writer that src/pprof/encode.ts uses.
 */
function encodeGenerated(p) {
  const { perftools } = require('../dist/proto/generated/profile');
  const strings = ['']; const index = new Map([['', 0]]);
  const s = (x) => { let i = index.get(x); if (i === undefined) { i = strings.length; strings.push(x); index.set(x, i); } return i; };
  const vt = (v) => ({ type: s(v.type), unit: s(v.unit) });
  const msg = {
    sampleType: p.sampleTypes.map(vt),
    sample: p.samples.map((x) => ({ locationId: x.locationIds, value: x.values, label: x.labels.map((l) => ({ key: s(l.key), str: l.str !== undefined ? s(l.str) : 0, num: l.num ?? 0, numUnit: l.numUnit ? s(l.numUnit) : 0 })) })),
    location: p.locations.map((l) => ({ id: l.id, address: l.address, line: l.lines.map((ln) => ({ functionId: ln.functionId, line: ln.line, column: ln.column })) })),
    function: p.functions.map((f) => ({ id: f.id, name: s(f.name), systemName: s(f.systemName), filename: s(f.filename), startLine: f.startLine })),
    timeNanos: Number(p.timeNanos), durationNanos: p.durationNanos, periodType: p.periodType ? vt(p.periodType) : null, period: p.period,
  };
  msg.stringTable = strings;
  return perftools.profiles.Profile.encode(msg).finish();
}

/** Encode step alone, on prebuilt profiles (interleaved): ours, pprof-format, generated static code. */
async function encodeOnlyBench(input) {
  const p = buildOurs(input); const q = buildPprofFormat(input);
  const t = { ours: [], pf: [], gen: [] };
  for (let r = 0; r < REPS * 2; r++) {
    let s = performance.now(); ours.encode(p); t.ours.push(performance.now() - s);
    s = performance.now(); q.encode(); t.pf.push(performance.now() - s);
    s = performance.now(); encodeGenerated(p); t.gen.push(performance.now() - s);
  }
  return { ours: median(t.ours), pf: median(t.pf), gen: median(t.gen) };
}

/** gzip of the encoded bytes: node:zlib async (threadpool), node:zlib sync, pako; levels 1 and 6. */
async function gzipBench(raw) {
  const res = {};
  for (const level of [1, 6]) {
    const t = { asyncTotal: [], asyncBlocked: [], sync: [], pako: [] };
    let sizes;
    for (let r = 0; r < REPS; r++) {
      let s = performance.now();
      const p = gzipAsync(raw, level); t.asyncBlocked.push(performance.now() - s);
      const z = await p; t.asyncTotal.push(performance.now() - s);
      s = performance.now(); zlib.gzipSync(raw, { level }); t.sync.push(performance.now() - s);
      s = performance.now(); const k = pako.gzip(raw, { level }); t.pako.push(performance.now() - s);
      sizes = { zlib: z.length, pako: k.length };
    }
    res[level] = { asyncTotal: median(t.asyncTotal), asyncBlocked: median(t.asyncBlocked), sync: median(t.sync), pako: median(t.pako), sizes };
  }
  return res;
}

function report({ a, med, gz, encodeOnly, rawLen, runs }) {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model || 'unknown';
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const ratio = med('pf', 'total') / med('ours', 'total');
  const lines = [
    `### Node ${process.version} (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${os.cpus().length} CPUs (\`nproc\`), ${cpu}; shared with other jobs (load average at the end: ${load}), so medians of ${REPS} interleaved runs.`,
    `Input: ${STACKS} distinct stacks (8-32 frames, 2,000 distinct frames), ${SAMPLES} samples, labels (span_id, span_name) on a third` +
      ` -> ${a.samples.length} merged samples, ${a.locations.length} locations, ${a.functions.length} functions; ${rawLen} bytes raw.`,
    '',
    '| pipeline (median ms) | build | encode | sync (event loop blocked) | total (incl. async gzip level 1) | gzip bytes |',
    '|---|---|---|---|---|---|',
    `| otelprof ProfileBuilder + encode + gzip | ${fmt(med('ours', 'build'))} | ${fmt(med('ours', 'encode'))} | ${fmt(med('ours', 'sync'))} | ${fmt(med('ours', 'total'))} | ${runs.ours[0].gz} |`,
    `| pprof-format (string-keyed maps) + Profile.encode + zlib.gzip | ${fmt(med('pf', 'build'))} | ${fmt(med('pf', 'encode'))} | ${fmt(med('pf', 'sync'))} | ${fmt(med('pf', 'total'))} | ${runs.pf[0].gz} |`,
    '',
    `Total ratio pprof-format / otelprof: ${ratio.toFixed(2)}x.`,
    '',
    `Encode step alone on prebuilt profiles (median ms): otelprof \`encode\` (its own writer, driven by hand; protobufjs's Writer before 2026-12-05) ${fmt(encodeOnly.ours)},` +
      ` pprof-format \`Profile.encode\` ${fmt(encodeOnly.pf)}, pbjs static code \`Profile.encode(msg).finish()\` incl. building the message objects ${fmt(encodeOnly.gen)}.`,
    '',
    '| gzip of the encoded profile (median ms) | level 1 (BestSpeed) | level 6 (default) |',
    '|---|---|---|',
    `| node:zlib async: total | ${fmt(gz[1].asyncTotal)} | ${fmt(gz[6].asyncTotal)} |`,
    `| node:zlib async: event loop blocked (call returns) | ${fmt(gz[1].asyncBlocked)} | ${fmt(gz[6].asyncBlocked)} |`,
    `| node:zlib gzipSync (blocks throughout) | ${fmt(gz[1].sync)} | ${fmt(gz[6].sync)} |`,
    `| pako.gzip (JS, blocks throughout) | ${fmt(gz[1].pako)} | ${fmt(gz[6].pako)} |`,
    `| output bytes zlib / pako | ${gz[1].sizes.zlib} / ${gz[1].sizes.pako} | ${gz[6].sizes.zlib} / ${gz[6].sizes.pako} |`,
    '',
  ];
  return lines.join('\n');
}

/** Replaces (or appends) this Node version's subsection inside "## encode" of bench/RESULTS.md. */
function writeResults(text) {
  const file = path.join(__dirname, 'RESULTS.md');
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const intro = '## encode\n\nProduced by `node bench/encode.js --write` (after `node scripts/build.js`); see the script for the input.\n\n'; // first run only
  const start = doc.indexOf('## encode\n');
  let section = start >= 0 ? doc.slice(start, nextHeading(doc, start)) : intro;
  const major = `### Node ${process.version.split('.')[0]}`;
  const subStart = section.indexOf(major);
  if (subStart >= 0) {
    const subEnd = section.indexOf('\n### ', subStart + 1);
    section = section.slice(0, subStart) + text + (subEnd >= 0 ? section.slice(subEnd + 1) : '');
  } else section = `${section.trimEnd()}\n\n${text}`;
  section = `${section.trimEnd()}\n\n`;
  doc = start >= 0 ? doc.slice(0, start) + section + doc.slice(nextHeading(doc, start)) : `${doc.trimEnd()}\n\n${section}`;
  fs.writeFileSync(file, doc);
}

function nextHeading(doc, start) {
  const i = doc.indexOf('\n## ', start + 1);
  return i >= 0 ? i + 1 : doc.length;
}

module.exports = { makeInput, buildOurs, buildPprofFormat };
if (require.main === module) main().then((r) => {
  const text = report(r);
  process.stdout.write(`${text}\n`);
  if (args.includes('--write')) writeResults(text);
}).catch((err) => { process.stderr.write(`${err.stack}\n`); process.exitCode = 1; });
