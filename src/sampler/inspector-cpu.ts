/**
 * CPU/wall sampling through `node:inspector`'s Profiler domain: the fallback when the native addon
 * cannot load (or `OTELPROF_SAMPLER=inspector`). V8 gives stacks and sample times but no context
 * slot and no CPU time, so labels come from the bridge's transition log joined by time, and the
 * cpu value of a sample is the sampling interval.
 */
import type { StackFrame } from '../pprof/model';
import { microsToNanos, monotonicToEpochOffsetMicros } from './clock';
import { ContextBridge } from './context-bridge';
import type { CpuBackend } from './cpu-backend';
import { internFrame } from './frames';
import { inspectorModule, inspectorSession, postSync } from './inspector-session';
import { RawCpuSamples } from './cpu-samples';
import type { RawCpuWindow } from './types';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface CpuNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export class InspectorCpuBackend implements CpuBackend {
  readonly name = 'inspector' as const;
  readonly supportsLabels = true;
  readonly bridge: ContextBridge;
  private readonly _intervalMicros: number;
  private _title = '';
  private _finished: CpuProfile | undefined;
  private _ending = '';

  constructor(intervalMicros: number) {
    this._intervalMicros = intervalMicros;
    this.bridge = new ContextBridge('log', {});
  }

  start(): void {
    postSync('Profiler.enable');
    postSync('Profiler.setSamplingInterval', { interval: this._intervalMicros });
    inspectorSession().on('Profiler.consoleProfileFinished', this._onFinished);
    this._title = nextTitle();
    inspectorModule().console.profile(this._title);
  }

  /**
   * Rotates with two overlapping titled profiles (the inspector console's `profile`/`profileEnd`):
   * the next one starts before the current one ends, so V8 never turns its code logging off and
   * the restart does not re-log every compiled function (Profiler.stop + start blocks the event
   * loop for tens of ms on a real application). The finished profile arrives synchronously.
   */
  collect(restart: boolean): RawCpuWindow {
    const ending = this._title;
    if (restart) {
      this._title = nextTitle();
      inspectorModule().console.profile(this._title);
    }
    this._finished = undefined;
    this._ending = ending;
    inspectorModule().console.profileEnd(ending);
    const profile = this._finished as CpuProfile | undefined;
    this._finished = undefined;
    if (!restart) {
      inspectorSession().removeListener('Profiler.consoleProfileFinished', this._onFinished);
      postSync('Profiler.disable');
    }
    // If the console was not wired to the profiler, nothing arrived: report an empty window.
    return this._convert(profile ?? emptyProfile());
  }

  abandon(): void {
    inspectorSession().removeListener('Profiler.consoleProfileFinished', this._onFinished);
    try {
      inspectorModule().console.profileEnd(this._title);
      postSync('Profiler.disable');
    } catch {
      // The session may be what failed; nothing more to stop.
    }
  }

  private readonly _onFinished = (msg: { params: { title?: string; profile: CpuProfile } }): void => {
    // Other titled profiles (a user's own console.profile) are not ours.
    if (msg.params.title === this._ending) this._finished = msg.params.profile;
  };

  private _convert(p: CpuProfile): RawCpuWindow {
    const stacks = buildStacks(p.nodes);
    const ids = p.samples ?? [];
    const deltas = p.timeDeltas ?? [];
    const times = new Array<number>(ids.length);
    let t = p.startTime;
    for (let i = 0; i < ids.length; i++) {
      t += deltas[i] ?? 0;
      times[i] = t;
    }
    const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
    const sortedTimes = order.map((i) => times[i]);
    const contexts = this.bridge.log?.attribute(sortedTimes) ?? [];
    const offset = monotonicToEpochOffsetMicros();
    const samples = new RawCpuSamples();
    for (let k = 0; k < order.length; k++) {
      const entry = stacks.get(ids[order[k]]);
      if (entry === undefined || entry.root) continue;
      samples.push(entry.stack, sortedTimes[k] + offset, -1, entry.idle, contexts[k]);
    }
    return {
      startNanos: microsToNanos(p.startTime + offset),
      endNanos: microsToNanos(p.endTime + offset),
      intervalNanos: this._intervalMicros * 1000,
      hasCpuTime: false,
      backend: 'inspector',
      samples,
    };
  }
}

let titles = 0;
function nextTitle(): string {
  return `otelprof-cpu-${process.pid}-${++titles}`;
}

function emptyProfile(): CpuProfile {
  const now = Number(process.hrtime.bigint() / 1000n);
  return { nodes: [], startTime: now, endTime: now, samples: [], timeDeltas: [] };
}

interface StackEntry {
  stack: readonly StackFrame[];
  idle: boolean;
  root: boolean;
}

/** Leaf-first stack of every node, from the parent links of the cpuprofile's node list. */
function buildStacks(nodes: readonly CpuNode[]): Map<number, StackEntry> {
  const byId = new Map<number, CpuNode>();
  const parent = new Map<number, number>();
  for (const n of nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const out = new Map<number, StackEntry>();
  const resolve = (id: number): StackEntry => {
    const hit = out.get(id);
    if (hit !== undefined) return hit;
    const n = byId.get(id) as CpuNode;
    const cf = n.callFrame;
    const isRoot = !parent.has(id);
    let entry: StackEntry;
    if (isRoot) {
      entry = { stack: [], idle: false, root: true };
    } else {
      // cpuprofile lines and columns are 0-based; pprof's are 1-based.
      const frame = internFrame(cf.functionName, cf.url, cf.lineNumber + 1, cf.columnNumber + 1);
      const up = resolve(parent.get(id) as number);
      entry = { stack: Object.freeze([frame, ...up.stack]), idle: cf.functionName === '(idle)' && cf.url === '', root: false };
    }
    out.set(id, entry);
    return entry;
  };
  for (const n of nodes) resolve(n.id);
  return out;
}
