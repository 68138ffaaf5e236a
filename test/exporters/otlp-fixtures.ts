/**
 * Hand-built pprof model profiles for the OTLP exporter tests (the pprof builder is another box;
 * these fixtures use only the model types), and a resolver that reads a decoded OTLP request
 * back into comparable rows using the request's own dictionary.
 */
import type { Profile } from '../../src/pprof/model';
import type { DecodedRequest } from '../support/otlp-collector';

export const SPAN_A = '00f067aa0ba902b7';
export const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
export const SPAN_B = 'b7ad6b7169203331';
export const TRACE_B = '0af7651916cd43dd8448eb211c80319c';

/** A CPU profile: main -> work (span A, label route=/a), main -> idle (span B), main (no span). */
export function cpuProfile(timeNanos: bigint): Profile {
  return {
    sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
    samples: [
      { locationIds: [2, 1], values: [3, 30_000_000], labels: [{ key: 'span_id', str: SPAN_A }, { key: 'trace_id', str: TRACE_A }, { key: 'route', str: '/a' }] },
      { locationIds: [3, 1], values: [1, 10_000_000], labels: [{ key: 'span_id', str: SPAN_B }, { key: 'trace_id', str: TRACE_B }] },
      { locationIds: [1], values: [2, 0], labels: [{ key: 'bytes', num: 512, numUnit: 'bytes' }] },
    ],
    mappings: [],
    locations: [
      { id: 1, mappingId: 0, address: 0x1000, lines: [{ functionId: 1, line: 10, column: 3 }], isFolded: false },
      { id: 2, mappingId: 0, address: 0x2000, lines: [{ functionId: 2, line: 20, column: 5 }], isFolded: false },
      { id: 3, mappingId: 0, address: 0x3000, lines: [{ functionId: 3, line: 30, column: 7 }], isFolded: false },
    ],
    functions: [
      { id: 1, name: 'main', systemName: 'main', filename: '/app/main.js', startLine: 1 },
      { id: 2, name: 'work', systemName: 'work', filename: '/app/work.js', startLine: 18 },
      { id: 3, name: 'idle', systemName: 'idle', filename: '/app/main.js', startLine: 28 },
    ],
    dropFrames: '',
    keepFrames: '',
    timeNanos,
    durationNanos: 10_000_000_000,
    periodType: { type: 'cpu', unit: 'nanoseconds' },
    period: 10_000_000,
    comments: [],
    defaultSampleType: '',
    docUrl: '',
  };
}

/** A heap snapshot without a period type: main -> alloc. */
export function heapProfile(timeNanos: bigint): Profile {
  return {
    sampleTypes: [{ type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' }],
    samples: [{ locationIds: [2, 1], values: [4, 4096], labels: [] }],
    mappings: [{ id: 1, memoryStart: 0, memoryLimit: 0, fileOffset: 0, filename: 'node', buildId: '', hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: false }],
    locations: [
      { id: 1, mappingId: 1, address: 0x1000, lines: [{ functionId: 1, line: 10, column: 3 }], isFolded: false },
      { id: 2, mappingId: 1, address: 0x4000, lines: [{ functionId: 2, line: 44, column: 1 }], isFolded: false },
    ],
    functions: [
      { id: 1, name: 'main', systemName: 'main', filename: '/app/main.js', startLine: 1 },
      { id: 2, name: 'alloc', systemName: 'alloc', filename: '/app/heap.js', startLine: 40 },
    ],
    dropFrames: '',
    keepFrames: '',
    timeNanos,
    durationNanos: 0,
    periodType: undefined,
    period: 0,
    comments: [],
    defaultSampleType: '',
    docUrl: '',
  };
}

/** One OTLP sample, resolved through the dictionary into names and hex ids. */
export interface ResolvedSample {
  /** Function names, leaf first. */
  stack: string[];
  value: number;
  attributes: Record<string, string | number>;
  /** Hex ids of the linked span, or undefined when link_index is 0. */
  link?: { traceId: string; spanId: string };
}

/** One OTLP profile, resolved. */
export interface ResolvedProfile {
  sampleType: string;
  periodType: string;
  period: number;
  timeUnixNano: string;
  durationNano: string;
  samples: ResolvedSample[];
}

/** Reads every profile of a decoded request back through its dictionary. */
export function resolveProfiles(r: DecodedRequest): ResolvedProfile[] {
  const d = r.dictionary;
  const str = (i: number): string => d.stringTable[i];
  const vt = (v: DecodedRequest | null): string => (v ? `${str(v.typeStrindex)}/${str(v.unitStrindex)}` : '');
  const out: ResolvedProfile[] = [];
  for (const p of r.resourceProfiles[0].scopeProfiles[0].profiles) {
    out.push({
      sampleType: vt(p.sampleType),
      periodType: vt(p.periodType),
      period: Number(p.period),
      timeUnixNano: p.timeUnixNano,
      durationNano: p.durationNano,
      samples: p.samples.map((s: DecodedRequest) => {
        const stack = d.stackTable[s.stackIndex].locationIndices.map((li: number) => str(d.functionTable[d.locationTable[li].lines[0].functionIndex].nameStrindex));
        const attributes: Record<string, string | number> = {};
        for (const ai of s.attributeIndices) {
          const a = d.attributeTable[ai];
          attributes[str(a.keyStrindex)] = a.value.value === 'intValue' ? Number(a.value.intValue) : a.value[a.value.value];
        }
        const link = s.linkIndex === 0 ? undefined : {
          traceId: Buffer.from(d.linkTable[s.linkIndex].traceId).toString('hex'),
          spanId: Buffer.from(d.linkTable[s.linkIndex].spanId).toString('hex'),
        };
        return { stack, value: Number(s.values[0]), attributes, link };
      }),
    });
  }
  return out;
}

/** Resource attributes of a decoded request as a plain record. */
export function resourceAttributesOf(r: DecodedRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of r.resourceProfiles[0].resource.attributes) out[kv.key] = kv.value[kv.value.value];
  return out;
}
