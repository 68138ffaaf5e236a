/**
 * Cumulative contention records (Go's block and mutex "bucket" tables): one entry per distinct
 * (stack, labels), with how many events it took part in and the delay charged to it. Shared by
 * the block (event-loop stalls) and mutex (lock hand-offs) profiles.
 */
import type { Label, StackFrame } from '../pprof/model';

/** One record: events and total delay charged to a stack and label set. */
export interface ContentionRecord {
  /** Leaf first. */
  readonly stack: readonly StackFrame[];
  readonly labels: readonly Label[];
  /** Events (stalls, contended hand-offs) this stack took part in. */
  readonly count: number;
  /** Delay charged to the stack, nanoseconds. */
  readonly delayNanos: number;
}

/** Default bound on distinct records; beyond it events go to one `lostProfileEvent` record. */
export const DEFAULT_MAX_CONTENTION_RECORDS = 4096;

const LOST: readonly StackFrame[] = Object.freeze([
  Object.freeze({ functionName: 'lostProfileEvent', fileName: '', line: 0, column: 0 }),
]);

interface MutableRecord {
  stack: readonly StackFrame[];
  labels: readonly Label[];
  count: number;
  delayNanos: number;
}

function frameKey(f: StackFrame): string {
  return `${f.functionName}\u0000${f.fileName}\u0000${f.line}\u0000${f.column}`;
}

function labelKey(labels: readonly Label[]): string {
  return labels.map((l) => `${l.key}=${l.str ?? String(l.num)}`).sort().join('\u0000');
}

/** A bounded, cumulative table of contention records. */
export class ContentionRecords {
  private readonly _max: number;
  private readonly _records = new Map<string, MutableRecord>();

  constructor(maxRecords: number = DEFAULT_MAX_CONTENTION_RECORDS) {
    this._max = maxRecords;
  }

  /** Number of distinct records (Go's `Count()` for block and mutex). */
  get size(): number {
    return this._records.size;
  }

  /** Adds `count` events and `delayNanos` to the record of (stack, labels). */
  add(stack: readonly StackFrame[], labels: readonly Label[], count: number, delayNanos: number): void {
    let key = `${stack.map(frameKey).join('\u0001')}\u0002${labelKey(labels)}`;
    let rec = this._records.get(key);
    if (rec === undefined) {
      if (this._records.size >= this._max) {
        key = '';
        rec = this._records.get(key);
      }
      if (rec === undefined) {
        rec = { stack: key === '' ? LOST : stack, labels: key === '' ? [] : labels, count: 0, delayNanos: 0 };
        this._records.set(key, rec);
      }
    }
    rec.count += count;
    rec.delayNanos += delayNanos;
  }

  /** A copy of every record. */
  records(): ContentionRecord[] {
    return [...this._records.values()].map((r) => ({ stack: r.stack, labels: r.labels, count: r.count, delayNanos: r.delayNanos }));
  }

  /** Forgets everything (tests and shutdown; Go's tables are never reset). */
  clear(): void {
    this._records.clear();
  }
}
