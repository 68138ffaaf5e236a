'use strict';
/**
 * Jest reporter used by .ci/run next to `--json --outputFile`: appends one JSON line per test file
 * as it starts and as it finishes to the file named by $OTELPROF_CI_PROGRESS (jest's CLI cannot pass
 * reporter options). Jest writes its --json
 * output only when the whole run ends, so when CI's time limit cuts a hung run short this file
 * still says what passed, what failed and which test files never finished.
 *
 * Lines: {"event":"start","path":...} and
 *        {"event":"result","path":...,"passed":n,"failed":n,"execError":bool}
 */
const fs = require('node:fs');
const path = require('node:path');

class CiProgressReporter {
  constructor(globalConfig) {
    this._file = process.env.OTELPROF_CI_PROGRESS;
    this._root = globalConfig.rootDir;
  }

  _write(record) {
    if (!this._file) return;
    fs.appendFileSync(this._file, `${JSON.stringify(record)}\n`);
  }

  onTestStart(test) {
    this._write({ event: 'start', path: path.relative(this._root, test.path) });
  }

  onTestResult(test, result) {
    this._write({
      event: 'result',
      path: path.relative(this._root, test.path),
      passed: result.numPassingTests,
      failed: result.numFailingTests,
      execError: Boolean(result.testExecError),
    });
  }

  getLastError() {
    return undefined;
  }
}

module.exports = CiProgressReporter;
