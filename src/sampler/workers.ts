/**
 * Worker threads created, the Node counterpart of Go's threadcreate profile. Node publishes on
 * the `worker_threads` diagnostics channel synchronously inside `new Worker()` (Node 20 and 24
 * checked), so the stack captured there is the constructor's caller. Subscribing costs nothing
 * until a worker is created.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { componentLogger } from '../otel-api';
import type { StackFrame } from '../pprof/model';
import { captureUserStack } from './async-resources-stack';

const logger = componentLogger('otelprof/sampler');

const CHANNEL = 'worker_threads';

/** Distinct creation stacks kept; beyond it, creations are counted under a single lost record. */
const MAX_STACKS = 4096;

/** Workers created from one stack. */
export interface WorkerCreationRecord {
  /** Creation stack, leaf first (the function that called `new Worker`). */
  readonly stack: readonly StackFrame[];
  /** Workers created there since tracking started (cumulative, like Go's threadcreate). */
  readonly count: number;
}

const OWN_DIRS: readonly string[] = [__dirname];

const LOST_STACK: readonly StackFrame[] = Object.freeze([
  Object.freeze({ functionName: 'lostProfileEvent', fileName: '', line: 0, column: 0 }),
]);

const state: { on: boolean; records: Map<string, { stack: readonly StackFrame[]; count: number }>; total: number } = {
  on: false,
  records: new Map(),
  total: 0,
};

function onWorker(): void {
  try {
    const stack = captureUserStack(OWN_DIRS);
    let key = stack.map((f) => `${f.functionName}\u0000${f.fileName}\u0000${f.line}\u0000${f.column}`).join('\u0001');
    if (!state.records.has(key) && state.records.size >= MAX_STACKS) key = '';
    const rec = state.records.get(key);
    if (rec) rec.count++;
    else state.records.set(key, { stack: key === '' ? LOST_STACK : stack, count: 1 });
    state.total++;
  } catch (err) {
    // Runs inside the user's `new Worker()`: never throw into it.
    logger.debug(`threadcreate stack capture failed: ${String(err)}`);
  }
}

/**
 * Starts recording worker creations (idempotent). Workers created before the first call are
 * not seen: the threadcreate profile counts from the moment otelprof first looked.
 */
export function startWorkerTracking(): void {
  if (state.on) return;
  subscribe(CHANNEL, onWorker);
  state.on = true;
}

/** Stops recording and forgets what was recorded (for tests and shutdown). */
export function stopWorkerTracking(): void {
  if (!state.on) return;
  unsubscribe(CHANNEL, onWorker);
  state.on = false;
  state.records.clear();
  state.total = 0;
}

/** Workers created since tracking started. */
export function workersCreated(): number {
  return state.total;
}

/** A copy of the records, one per distinct creation stack. */
export function workerCreationRecords(): WorkerCreationRecord[] {
  return [...state.records.values()].map((r) => ({ stack: r.stack, count: r.count }));
}
