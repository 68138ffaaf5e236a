'use strict';
/**
 * Readable summaries of pprof files for the main job: `go tool pprof -top` (and `-tags` for
 * labels) when Go is installed, otherwise a top list decoded here with the independent
 * `pprof-format` package.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const zlib = require('node:zlib');

/** True when `go` is on PATH. */
function haveGo() {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** `go tool pprof <flags> <file>` output, or the error text if pprof rejected the file. */
function goPprof(flags, file) {
  try {
    return execFileSync('go', ['tool', 'pprof', ...flags, file], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
      env: { ...process.env, PPROF_TMPDIR: os.tmpdir() },
    });
  } catch (err) {
    return `go tool pprof failed: ${String(err.stderr || err.message).trim()}\n`;
  }
}

/** Decodes a (gzipped) pprof file with pprof-format. */
function decodeFile(file) {
  const { Profile } = require('pprof-format');
  let bytes = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  return Profile.decode(bytes);
}

/** Top `n` leaf functions by the last sample type, plus per-label totals, as text. */
function ownSummary(file, n = 10) {
  const p = decodeFile(file);
  const str = (i) => p.stringTable.strings[Number(i)] ?? '';
  const vi = p.sampleType.length - 1;
  const type = p.sampleType[vi];
  const funcs = new Map(p.function.map((f) => [Number(f.id), str(f.name) || '(anonymous)']));
  const locs = new Map(p.location.map((l) => [Number(l.id), l.line.map((ln) => funcs.get(Number(ln.functionId)))]));
  const flat = new Map();
  const byLabel = new Map();
  let total = 0;
  for (const s of p.sample) {
    const v = Number(s.value[vi]);
    total += v;
    const leaf = (locs.get(Number(s.locationId[0])) ?? ['(no stack)'])[0];
    flat.set(leaf, (flat.get(leaf) ?? 0) + v);
    for (const l of s.label) {
      const key = `${str(l.key)}=${l.str ? str(l.str) : String(l.num)}`;
      byLabel.set(key, (byLabel.get(key) ?? 0) + v);
    }
  }
  const pct = (v) => (total > 0 ? `${((100 * v) / total).toFixed(1)}%` : '-');
  const lines = [`Type: ${str(type.type)} (${str(type.unit)}), total ${total}`, `${'flat'.padStart(14)} ${'flat%'.padStart(6)}  function`];
  for (const [name, v] of [...flat].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    lines.push(`${String(v).padStart(14)} ${pct(v).padStart(6)}  ${name}`);
  }
  for (const [key, v] of [...byLabel].sort((a, b) => b[1] - a[1])) lines.push(`  label ${key}: ${v} (${pct(v)})`);
  return `${lines.join('\n')}\n`;
}

/** True when any sample of the profile carries a label. */
function hasLabels(file) {
  try {
    return decodeFile(file).sample.some((s) => s.label.length > 0);
  } catch {
    return false;
  }
}

/** A readable summary of one profile file (at most `maxLines` lines per section). */
function summarize(file, { useGo = haveGo(), maxLines = 16 } = {}) {
  const clip = (text) => text.split('\n').slice(0, maxLines).join('\n').trimEnd();
  if (!useGo) return clip(ownSummary(file));
  let out = clip(goPprof(['-top', '-nodecount=10'], file));
  if (hasLabels(file)) out += `\n${clip(goPprof(['-tags'], file))}`;
  return out;
}

module.exports = { summarize, haveGo, ownSummary };
