#!/bin/bash
# Two builds of otelprof against one baseline, interleaved in fresh processes of bench/overhead-app.js
# (`cpu` workload, variant `otelprof`: the core sampler), to see what one change did to RSS and CPU:
#   BEFORE_DIST=<dist of the old build> AFTER_DIST=<dist of the new build> bash bench/rss-ab.sh [rounds=3]
# Each DIST must sit in a node_modules/otelprof copy (see bench/installed-copy.js), as an app loads it.
# ARG = work units (default 1200000, about 35 s), NODE = node binary.
# Prints one JSON line per run. Not part of the library.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE=${NODE:-node}
ARG=${ARG:-1200000}
ROUNDS=${1:-3}
: "${BEFORE_DIST:?BEFORE_DIST is required}" "${AFTER_DIST:?AFTER_DIST is required}"

# A sink that answers every upload.
"$NODE" -e "require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end()); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); })" > /tmp/rss-ab-sink.$$ &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
while [ ! -s /tmp/rss-ab-sink.$$ ]; do sleep 0.1; done
PORT=$(cat /tmp/rss-ab-sink.$$)
rm -f /tmp/rss-ab-sink.$$

run() { # label variant dist
  local out
  out=$(OTELPROF_DIST=$3 "$NODE" bench/overhead-app.js cpu "$2" "$PORT" "$ARG" | tail -1)
  echo "{\"run\":\"$1\",\"result\":$out}"
}

LINES=$(mktemp)
for r in $(seq 1 "$ROUNDS"); do
  run "baseline" baseline "$AFTER_DIST" | tee -a "$LINES"
  run "before" otelprof "$BEFORE_DIST" | tee -a "$LINES"
  run "after" otelprof "$AFTER_DIST" | tee -a "$LINES"
done
# Medians per build: peak RSS (anonymous / file-backed), young generation, CPU per unit.
"$NODE" -e "
  const runs = require('node:fs').readFileSync('$LINES', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  const base = med(runs.filter((x) => x.run === 'baseline').map((x) => x.result.maxRssMB));
  for (const label of ['baseline', 'before', 'after']) {
    const rs = runs.filter((x) => x.run === label).map((x) => x.result);
    const m = (k) => med(rs.map((r) => r[k]));
    console.log(label.padEnd(9), 'max RSS', m('maxRssMB').toFixed(1), 'MB (' + (m('maxRssMB') - base >= 0 ? '+' : '') + (m('maxRssMB') - base).toFixed(1) + ')',
      'anonymous', m('maxRssAnonMB').toFixed(1), 'file-backed', m('maxRssFileMB').toFixed(1), 'young generation', m('maxNewSpaceMB'), 'MB, CPU', m('cpuMicrosPerUnit').toFixed(2), 'us/unit');
  }"
rm -f "$LINES"
