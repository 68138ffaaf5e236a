#!/usr/bin/env bash
# How many functions V8 optimizes in each app of a bench/overhead.js run, in all and after the
# first collection started (bench/RESULTS.md, tenth pass), and, with --trace-deopt, how many
# deoptimization lines came after that (seventeenth pass). Run the bench with V8's trace on and
# each app's stdout kept, then count:
#   OPT_MARK=1 APP_STDOUT_DIR=/tmp/opt APP_NODE_ARGS='--trace-opt --trace-deopt --allow-natives-syntax' \
#     WORKLOADS=http HTTP_VARIANTS=otelprof,otelprof@upload=0 node bench/overhead.js 3 400000 240000
#   bash bench/compile-count.sh /tmp/opt
# The trace slows the apps: count compilations from such a run, take no timings from it.
set -euo pipefail
dir=${1:?usage: bench/compile-count.sh <APP_STDOUT_DIR>}
for f in "$dir"/*.txt; do
  total=$(grep -c '^\[compiling method' "$f" || true)
  # Lines from the first collection's mark (OPT_MARK) on, the mark's own line left out.
  after=$(sed -n '/otelprofCollectMark/,$p' "$f" | grep '^\[compiling method' | grep -vc otelprofCollectMark || true)
  deopts=$(sed -n '/otelprofCollectMark/,$p' "$f" | grep -c -e 'bailout (kind: deopt' -e 'deoptimizing' -e '^\[bailout' || true)
  printf '%s\t%s compiled\t%s after the first collection started\t%s deoptimization lines after it\n' "$(basename "$f" .txt)" "$total" "$after" "$deopts"
done
