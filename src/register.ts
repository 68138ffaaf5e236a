/**
 * `otelprof/register`: zero-code continuous profiling.
 *
 *   node --import otelprof/register app.js     (ESM or CommonJS apps)
 *   node -r otelprof/register app.js           (CommonJS preload)
 *   NODE_OPTIONS="--require otelprof/register" npm start
 *
 * Importing this module starts profiling from the environment (`PYROSCOPE_*`, `OTEL_*`,
 * `OTELPROF_*`; see docs/zero-code-and-cli.md). This is the one otelprof module with an import
 * side effect, by design. It does nothing in worker threads, and nothing when loaded twice.
 */
import { isMainThread } from 'node:worker_threads';
import { registerFromEnvironment } from './scheduler/zero-code';

if (isMainThread) registerFromEnvironment();
