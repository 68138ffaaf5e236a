#!/usr/bin/env node
'use strict';
/**
 * Counts one jest run for .ci/run: `node scripts/ci-results.js <jest --json file> <progress file>`.
 * Prints `<passed> <failed>` on the first line, then one line per test file that started but never
 * finished. Uses jest's --json output when the run completed; otherwise (the run was killed) the
 * per-file lines written by scripts/ci-reporter.js.
 * A test file that failed to run at all (syntax error, missing module) counts as one failure.
 */
const fs = require('node:fs');

const [jsonFile, progressFile] = process.argv.slice(2);
const readIfPresent = (file) => (file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

const json = readIfPresent(jsonFile);
const records = readIfPresent(progressFile).split('\n').filter(Boolean).map((l) => JSON.parse(l));
const finished = new Set(records.filter((r) => r.event === 'result').map((r) => r.path));
const unfinished = [...new Set(records.filter((r) => r.event === 'start' && !finished.has(r.path)).map((r) => r.path))];

let passed = 0;
let failed = 0;
if (json.trim() !== '') {
  const r = JSON.parse(json);
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
} else {
  for (const r of records.filter((x) => x.event === 'result')) {
    passed += r.passed;
    failed += r.failed + (r.execError ? 1 : 0);
  }
}
console.log(`${passed} ${failed}`);
for (const p of unfinished) console.log(p);
