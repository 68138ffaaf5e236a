import { Profile as PfProfile } from 'pprof-format';

/** A profile as the independent `pprof-format` decoder sees it, strings resolved, for comparisons. */
export interface PfView {
  sampleTypes: string[];
  periodType: string | undefined;
  period: number;
  timeNanos: bigint;
  durationNanos: number;
  defaultSampleType: string;
  comments: string[];
  /** One entry per sample: leaf-first `name file:line` frames, values, sorted `key=value` labels. */
  samples: { frames: string[]; values: number[]; labels: string[] }[];
  strings: string[];
}

/** Decodes raw (ungzipped) bytes with pprof-format and resolves everything by hand. */
export function pfView(bytes: Uint8Array): PfView {
  const p = PfProfile.decode(bytes);
  const s = p.stringTable.strings;
  const str = (i: number | bigint): string => s[Number(i)];
  const fns = new Map(p.function.map((f) => [Number(f.id), f]));
  const locs = new Map(p.location.map((l) => [Number(l.id), l]));
  const frame = (id: number | bigint): string => {
    const loc = locs.get(Number(id));
    if (!loc) return `?loc${id}`;
    return loc.line.map((ln) => {
      const f = fns.get(Number(ln.functionId));
      return `${f ? str(f.name) : '?'} ${f ? str(f.filename) : '?'}:${Number(ln.line)}:${Number(ln.column)}`;
    }).join(' / ');
  };
  return {
    sampleTypes: p.sampleType.map((v) => `${str(v.type)}/${str(v.unit)}`),
    periodType: p.periodType ? `${str(p.periodType.type)}/${str(p.periodType.unit)}` : undefined,
    period: Number(p.period),
    timeNanos: BigInt(p.timeNanos),
    durationNanos: Number(p.durationNanos),
    defaultSampleType: str(p.defaultSampleType),
    comments: p.comment.map(str),
    samples: p.sample.map((smp) => ({
      frames: smp.locationId.map(frame),
      // pprof-format reads int64 varints as unsigned: reinterpret as two's complement.
      values: smp.value.map((v) => Number(BigInt.asIntN(64, BigInt(v)))),
      labels: smp.label.map((l) => (Number(l.str) !== 0
        ? `${str(l.key)}=${str(l.str)}`
        : `${str(l.key)}=${Number(l.num)}${Number(l.numUnit) ? ` ${str(l.numUnit)}` : ''}`)).sort(),
    })),
    strings: s,
  };
}
