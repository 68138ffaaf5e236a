/**
 * Go's legacy `debug=1` profile text (what `/debug/pprof/<name>?debug=1` serves, from otelprof or
 * from Go) read back into the pprof model, so `otelprof top` summarizes it like a protobuf profile.
 * Unlike `go tool pprof`, which needs the binary to symbolize these addresses, the function names
 * come from the `#\t0x<pc>\t<func>+0x<off>\t<file>:<line>` comment lines that follow each record.
 *
 * Three shapes, as runtime/pprof writes them:
 *   count profiles   `<name> profile: total N`, records `<count> @ 0x.. 0x..`
 *   heap / allocs    `heap profile: a: b [c: d] @ heap/<2*rate>`, records `a: b [c: d] @ 0x..`
 *   block / mutex    `--- contention:` or `--- mutex:`, `cycles/second=N`, records `<cycles> <count> @ 0x..`
 * Values are scaled as google/pprof's legacy parser does (heap sampling rate, mutex sampling period).
 */
import type { Location, Profile, PprofFunction, Sample, ValueType } from '../pprof';

const COUNT_HEADER = /^(\S.*) profile: total \d+$/;
const HEAP_HEADER = /^heap profile: \d+: \d+ \[\s*\d+: \d+\] @ heap(?:profile)?\/(\d+)$/;
const CONTENTION_HEADER = /^--- (contention|mutex):$/;
/** Human stack dumps (`goroutine?debug=2`): Go's, and otelprof's list of live async resources. */
const STACK_DUMP = /^(goroutine \d+ \[|live async resources: \d+)/;

type Shape = 'count' | 'heap' | 'contention';

/** How a text looks: which legacy shape, or a goroutine stack dump (debug=2), or not legacy text. */
export function legacyTextKind(text: string): Shape | 'stack-dump' | undefined {
  const first = text.slice(0, text.indexOf('\n') >>> 0).trim();
  if (HEAP_HEADER.test(first)) return 'heap';
  if (CONTENTION_HEADER.test(first)) return 'contention';
  if (COUNT_HEADER.test(first)) return 'count';
  if (STACK_DUMP.test(first)) return 'stack-dump';
  return undefined;
}

/** One record: its values (in the profile's sample type order) and its stack of return addresses. */
interface RawRecord {
  values: number[];
  addresses: number[];
}

/**
 * Parses legacy text; throws an Error naming the line when a record is malformed. The caller
 * checks {@link legacyTextKind} first.
 */
export function parseLegacyText(text: string): Profile {
  const lines = text.split(/\r?\n/);
  const header = lines[0].trim();
  const shape = legacyTextKind(header);
  if (shape === undefined || shape === 'stack-dump') throw new Error('not Go legacy profile text');
  const frames = new Map<number, Array<{ name: string; file: string; line: number }>>();
  const records: RawRecord[] = [];
  let cyclesPerSecond = 1;
  let period = 1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('#\t')) {
      addFrame(frames, line);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let m: RegExpExecArray | null;
    if (shape === 'contention' && (m = /^cycles\/second\s*=\s*(\d+)$/.exec(trimmed))) {
      cyclesPerSecond = Number(m[1]) || 1;
    } else if (shape === 'contention' && (m = /^sampling period\s*=\s*(\d+)$/.exec(trimmed))) {
      period = Number(m[1]) || 1;
    } else if (shape === 'contention' && /^[a-z][a-z /_-]*=/.test(trimmed)) {
      continue; // other `key=value` header lines Go may add
    } else {
      records.push(parseRecord(shape, trimmed, i + 1));
    }
  }
  if (shape === 'heap') {
    const rate = Number(HEAP_HEADER.exec(header)?.[1] ?? 0) / 2;
    return build(records, frames, [vt('alloc_objects', 'count'), vt('alloc_space', 'bytes'), vt('inuse_objects', 'count'), vt('inuse_space', 'bytes')], 'inuse_space',
      ([io, ib, ao, ab]) => [...scaleHeap(ao, ab, rate), ...scaleHeap(io, ib, rate)]);
  }
  if (shape === 'contention') {
    return build(records, frames, [vt('contentions', 'count'), vt('delay', 'nanoseconds')], 'delay',
      ([cycles, count]) => [count * period, Math.round((cycles / cyclesPerSecond) * 1e9) * period]);
  }
  const name = COUNT_HEADER.exec(header)?.[1] ?? 'count';
  return build(records, frames, [vt(name, 'count')], name, (v) => v);
}

function parseRecord(shape: Shape, line: string, lineNo: number): RawRecord {
  const at = line.indexOf('@');
  const head = at < 0 ? '' : line.slice(0, at).trim();
  const addresses = at < 0 ? [] : line.slice(at + 1).trim().split(/\s+/).filter(Boolean).map((a) => Number.parseInt(a, 16));
  const pattern = shape === 'heap' ? /^(\d+): (\d+) \[(\d+): (\d+)\]$/ : shape === 'contention' ? /^(\d+) (\d+)$/ : /^(\d+)$/;
  const m = pattern.exec(head);
  if (!m || addresses.some((a) => !Number.isSafeInteger(a))) {
    throw new Error(`line ${lineNo} is not a ${shape} profile record: ${JSON.stringify(line.slice(0, 120))}`);
  }
  return { values: m.slice(1).map(Number), addresses };
}

/** `#\t0x<pc>\t<func>+0x<off>\t<file>:<line>` (Go's tabwriter may pad with several tabs). */
function addFrame(frames: Map<number, Array<{ name: string; file: string; line: number }>>, line: string): void {
  const [, pcText, fnText = '', fileText = ''] = line.split(/\t+/);
  const pc = Number.parseInt(pcText ?? '', 16);
  if (!Number.isSafeInteger(pc)) return;
  const name = /^(.*)\+0x[0-9a-f]+$/i.exec(fnText)?.[1] ?? fnText;
  if (name === '') return;
  const fl = /^(.*):(\d+)$/.exec(fileText);
  const list = frames.get(pc) ?? [];
  list.push({ name, file: fl ? fl[1] : fileText, line: fl ? Number(fl[2]) : 0 });
  frames.set(pc, list);
}

/** google/pprof's `scaleHeapSample`: sampled (count, bytes) to the estimated totals. */
function scaleHeap(count: number, bytes: number, rate: number): [number, number] {
  if (count === 0 || bytes === 0) return [0, 0];
  if (rate <= 1) return [count, bytes];
  const scale = 1 / (1 - Math.exp(-(bytes / count) / rate));
  return [Math.trunc(count * scale), Math.trunc(bytes * scale)];
}

const vt = (type: string, unit: string): ValueType => ({ type, unit });

function build(
  records: RawRecord[], frames: Map<number, Array<{ name: string; file: string; line: number }>>,
  sampleTypes: ValueType[], defaultType: string, values: (raw: number[]) => number[],
): Profile {
  const functions: PprofFunction[] = [];
  const functionIds = new Map<string, number>();
  const locations = new Map<number, Location>();
  const functionId = (name: string, file: string): number => {
    const key = `${name}\u0000${file}`;
    let id = functionIds.get(key);
    if (id === undefined) {
      id = functions.push({ id: functions.length + 1, name, systemName: name, filename: file, startLine: 0 });
      functionIds.set(key, id);
    }
    return id;
  };
  const locationId = (returnAddress: number): number => {
    // Stacks hold return addresses; the comment lines name the call site (address - 1), as in Go.
    const pc = returnAddress - 1;
    let loc = locations.get(pc);
    if (!loc) {
      const lines = (frames.get(pc) ?? []).map((f) => ({ functionId: functionId(f.name, f.file), line: f.line, column: 0 }));
      loc = { id: locations.size + 1, mappingId: 0, address: pc, lines, isFolded: false };
      locations.set(pc, loc);
    }
    return loc.id;
  };
  const samples: Sample[] = records.map((r) => ({ locationIds: r.addresses.map(locationId), values: values(r.values), labels: [] }));
  return {
    sampleTypes, samples, mappings: [], locations: [...locations.values()], functions, dropFrames: '', keepFrames: '',
    timeNanos: 0n, durationNanos: 0, periodType: undefined, period: 0, comments: [], defaultSampleType: defaultType, docUrl: '',
  };
}
