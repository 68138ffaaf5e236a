import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Profile as PfProfile } from 'pprof-format';

/** What `writeTo` needs: a profile-like object. */
export interface Writer {
  writeTo(stream: NodeJS.WritableStream, debug: number): Promise<void>;
}

/** Calls `writeTo(stream, debug)` on a collecting stream and returns the bytes written. */
export async function collect(p: Writer, debug: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) { chunks.push(Buffer.from(chunk)); cb(); },
  });
  await p.writeTo(sink, debug);
  return Buffer.concat(chunks);
}

/** One decoded sample, with function names resolved (leaf first). */
export interface DecodedSample {
  stack: string[];
  values: number[];
  labels: Record<string, string>;
}

/** Decodes a (gzipped) pprof with the independent `pprof-format` decoder. */
export function decodeSamples(bytes: Uint8Array): { sampleTypes: string[]; samples: DecodedSample[]; raw: PfProfile } {
  const raw = PfProfile.decode(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
  const str = (i: unknown): string => raw.stringTable.strings[Number(i)] ?? '';
  const fnName = new Map<number, string>();
  for (const f of raw.function) fnName.set(Number(f.id), str(f.name));
  const locName = new Map<number, string>();
  for (const l of raw.location) locName.set(Number(l.id), fnName.get(Number(l.line[0]?.functionId)) ?? '?');
  const samples = raw.sample.map((s) => {
    const labels: Record<string, string> = {};
    for (const l of s.label) labels[str(l.key)] = str(l.str);
    return { stack: s.locationId.map((id) => locName.get(Number(id)) ?? '?'), values: s.value.map(Number), labels };
  });
  return { sampleTypes: raw.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`), samples, raw };
}

/** Sum of value[index] over samples whose stack contains `fn`. */
export function sumFor(samples: DecodedSample[], fn: string, index = 0, pred: (s: DecodedSample) => boolean = () => true): number {
  return samples.filter((s) => s.stack.includes(fn) && pred(s)).reduce((a, s) => a + s.values[index], 0);
}
