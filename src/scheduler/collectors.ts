/**
 * Collectors: what the scheduler asks for at the end of every period. CPU and cumulative
 * collectors cut their window synchronously when `collect()` is called (before their first
 * await), so that those types of a period end at the same instant and CPU sampling restarts before
 * anything is serialised. Point-in-time snapshots (heap, goroutine) are read one event-loop turn
 * later: a snapshot has no window to cut, and reading it in the CPU rotation's turn would add the
 * two native reads into one stall.
 */
import { delta, nowNanos, yieldToEventLoop, type Profile } from '../pprof';
import { lookup } from '../profiles';
import { armLabelSampleContexts } from '../profiles';
import { buildCpuProfile, openCpuWindow, type CpuWindow, type SamplerBackendName } from '../sampler';

/** One profile of a period. */
export interface CollectedProfile {
  type: string;
  profile: Profile;
}

/** A source of profiles for the scheduler. */
export interface Collector {
  /** The profile types this collector produces, e.g. `['cpu', 'wall']`. */
  readonly types: readonly string[];
  /** Ends the current window (synchronously) and returns its profiles. */
  collect(): Promise<CollectedProfile[]>;
  /** Releases what the collector holds (e.g. stops its CPU window). */
  close(): void;
}

/**
 * `cpu` and/or `wall` from one CPU window of the core sampler: `rotate()` ends the window and opens
 * the next at the same instant, so no sample falls between two periods.
 */
export function cpuWallCollector(opts: { cpu: boolean; wall: boolean; hz?: number; backend?: SamplerBackendName }): Collector {
  armLabelSampleContexts();
  const window: CpuWindow = openCpuWindow({ hz: opts.hz, backend: opts.backend });
  const kinds = [...(opts.cpu ? ['cpu' as const] : []), ...(opts.wall ? ['wall' as const] : [])];
  let closed = false;
  return {
    types: kinds,
    async collect() {
      if (closed) return [];
      const raw = window.rotate();
      const out: CollectedProfile[] = [];
      for (const kind of kinds) out.push({ type: kind, profile: await buildCpuProfile(raw, kind) });
      return out;
    },
    close() {
      if (closed) return;
      closed = true;
      window.close();
    },
  };
}

/** A point-in-time profile (heap, allocs, goroutine, custom): every period sends the current state. */
export function snapshotCollector(name: string): Collector {
  return {
    types: [name],
    async collect() {
      await yieldToEventLoop();
      const p = lookup(name);
      if (!p) return [];
      const profile = await p.snapshot();
      return [{ type: name, profile: narrowed(name, profile) }];
    },
    close() {},
  };
}

/**
 * A cumulative profile (block, mutex, threadcreate): every period sends what happened in it, the
 * delta between this snapshot and the previous one, as Go's tools and Pyroscope expect.
 */
export function deltaCollector(name: string): Collector {
  let previous: Promise<Profile | undefined> = snapshotOf(name);
  return {
    types: [name],
    async collect() {
      const before = await previous;
      const current = snapshotOf(name);
      previous = current;
      const after = await current;
      if (!after) return [];
      if (!before) return [{ type: name, profile: narrowed(name, after) }];
      const d = delta(before, after);
      d.timeNanos = before.timeNanos;
      d.durationNanos = Number(after.timeNanos - before.timeNanos);
      return [{ type: name, profile: narrowed(name, d) }];
    },
    close() {},
  };
}

async function snapshotOf(name: string): Promise<Profile | undefined> {
  const p = lookup(name);
  if (!p) return undefined;
  const profile = await p.snapshot();
  profile.timeNanos = nowNanos();
  return profile;
}

/**
 * Go's heap and allocs profiles both carry all four memory sample types; as separate types of a
 * period (both stored under Pyroscope's `memory`) each keeps only its own pair, so the series
 * are not sent twice.
 */
const OWN_SAMPLE_TYPES: Record<string, readonly string[]> = {
  heap: ['inuse_objects', 'inuse_space'],
  allocs: ['alloc_objects', 'alloc_space'],
};

function narrowed(type: string, profile: Profile): Profile {
  const keep = OWN_SAMPLE_TYPES[type];
  if (keep === undefined) return profile;
  const idx = profile.sampleTypes.map((t, i) => (keep.includes(t.type) ? i : -1)).filter((i) => i >= 0);
  if (idx.length === 0 || idx.length === profile.sampleTypes.length) return profile;
  const samples = profile.samples
    .map((s) => ({ ...s, values: idx.map((i) => s.values[i]) }))
    .filter((s) => s.values.some((v) => v !== 0));
  const defaultSampleType = keep.includes(profile.defaultSampleType) ? profile.defaultSampleType : '';
  return { ...profile, sampleTypes: idx.map((i) => profile.sampleTypes[i]), samples, defaultSampleType };
}
