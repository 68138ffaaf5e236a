/** The parts of `go tool pprof -raw` output the tests compare. */
export interface RawProfile {
  sampleTypes: string[];
  samples: { values: number[]; locationIds: number[]; labels: string }[];
  /** Location id -> `{ address, text }` (text = function, file:line as pprof printed them). */
  locations: Map<number, { address: number; text: string }>;
}

/** Parses `go tool pprof -raw` output (google/pprof profile.String()). */
export function parseRaw(out: string): RawProfile {
  const lines = out.split('\n');
  const res: RawProfile = { sampleTypes: [], samples: [], locations: new Map() };
  let section = '';
  for (const line of lines) {
    const header = /^(Samples:|Locations|Mappings)\s*$/.exec(line);
    if (header) {
      section = header[1].replace(':', '');
      continue;
    }
    if (section === 'Samples') {
      const m = /^\s+(-?\d+(?:\s+-?\d+)*):((?:\s+\d+)*)\s*$/.exec(line);
      if (m) {
        res.samples.push({ values: m[1].trim().split(/\s+/).map(Number), locationIds: m[2].trim() ? m[2].trim().split(/\s+/).map(Number) : [], labels: '' });
      } else if (/^\s+\S+:\[/.test(line) && res.samples.length) {
        res.samples[res.samples.length - 1].labels += line.trim();
      } else if (line.trim() && !res.sampleTypes.length) {
        res.sampleTypes = line.trim().split(/\s+/).map((t) => t.replace(/\[dflt\]$/, ''));
      }
    } else if (section === 'Locations') {
      const m = /^\s+(\d+): (0x[0-9a-f]+) M=\d+\s*(.*)$/.exec(line);
      if (m) res.locations.set(Number(m[1]), { address: parseInt(m[2], 16), text: m[3].trim() });
    }
  }
  return res;
}
