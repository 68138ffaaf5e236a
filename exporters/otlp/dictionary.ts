/**
 * The request-wide `ProfilesDictionary` of OTLP Profiles: seven tables, each with its zero value
 * at index 0 and no duplicates (the OTLP data model's rules), filled while profiles are
 * transformed and read out once by {@link DictionaryBuilder.build}.
 */
import type {
  OtlpAnyValue, OtlpDictionary, OtlpFunction, OtlpKeyValueAndUnit, OtlpLink, OtlpLocation, OtlpMapping, OtlpStack,
} from './types';

/** A deduplicated table: `intern` returns the index of an equal entry, adding it if new. */
class Table<T> {
  readonly entries: T[];
  private readonly _index = new Map<string, number>();

  constructor(zero: T, zeroKey: string) {
    this.entries = [zero];
    this._index.set(zeroKey, 0);
  }

  intern(key: string, make: () => T): number {
    let i = this._index.get(key);
    if (i === undefined) {
      i = this.entries.length;
      this.entries.push(make());
      this._index.set(key, i);
    }
    return i;
  }
}

/** One line of a location, with its function already interned. */
export interface LineRef {
  functionIndex: number;
  line: number;
  column: number;
}

/** Attribute value kinds otelprof writes: strings, integers, doubles, booleans. */
export type AttributeScalar = string | number | boolean;

/** Lengths of an OTLP trace id and span id, in bytes. */
export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

/** Builds the dictionary tables; every `*Index` method returns the index to reference. */
export class DictionaryBuilder {
  private readonly _strings = new Table<string>('', '');
  private readonly _mappings = new Table<OtlpMapping>({}, 'm|0|0|0|0');
  private readonly _functions = new Table<OtlpFunction>({}, 'f|0|0|0|0');
  private readonly _locations = new Table<OtlpLocation>({}, 'l|0|0|');
  private readonly _stacks = new Table<OtlpStack>({}, '');
  private readonly _attributes = new Table<OtlpKeyValueAndUnit>({}, 'a|0|none|0');
  // The spec asks for the zero link to be written with full-length zero ids, not empty bytes.
  private readonly _links = new Table<OtlpLink>(
    { traceId: new Uint8Array(TRACE_ID_BYTES), spanId: new Uint8Array(SPAN_ID_BYTES) },
    '0'.repeat(2 * (TRACE_ID_BYTES + SPAN_ID_BYTES)),
  );

  /** Index of `s` in the string table ("" is 0). */
  stringIndex(s: string): number {
    return this._strings.intern(s, () => s);
  }

  /** Index of a mapping with these fields (all zero is 0). */
  mappingIndex(memoryStart: number, memoryLimit: number, fileOffset: number, filename: string): number {
    const filenameStrindex = this.stringIndex(filename);
    const key = `m|${memoryStart}|${memoryLimit}|${fileOffset}|${filenameStrindex}`;
    return this._mappings.intern(key, () => ({ memoryStart, memoryLimit, fileOffset, filenameStrindex }));
  }

  /** Index of a function with these fields. */
  functionIndex(name: string, systemName: string, filename: string, startLine: number): number {
    const nameStrindex = this.stringIndex(name);
    const systemNameStrindex = this.stringIndex(systemName);
    const filenameStrindex = this.stringIndex(filename);
    const key = `f|${nameStrindex}|${systemNameStrindex}|${filenameStrindex}|${startLine}`;
    return this._functions.intern(key, () => ({ nameStrindex, systemNameStrindex, filenameStrindex, startLine }));
  }

  /** Index of a location: mapping, address and lines (inlined callee first). */
  locationIndex(mappingIndex: number, address: number, lines: readonly LineRef[]): number {
    const key = `l|${mappingIndex}|${address}|${lines.map((l) => `${l.functionIndex}:${l.line}:${l.column}`).join(',')}`;
    return this._locations.intern(key, () => ({
      mappingIndex,
      address,
      lines: lines.map((l) => ({ functionIndex: l.functionIndex, line: l.line, column: l.column })),
    }));
  }

  /** Index of a stack (location indices, leaf first); the empty stack is 0. */
  stackIndex(locationIndices: readonly number[]): number {
    return this._stacks.intern(locationIndices.join(','), () => ({ locationIndices: locationIndices.slice() }));
  }

  /** Index of the attribute `key` = `value` (with an optional unit). */
  attributeIndex(key: string, value: AttributeScalar, unit = ''): number {
    const keyStrindex = this.stringIndex(key);
    const unitStrindex = this.stringIndex(unit);
    const kind = typeof value === 'number' ? (Number.isInteger(value) ? 'i' : 'd') : typeof value === 'boolean' ? 'b' : 's';
    const k = `a|${keyStrindex}|${kind}:${String(value)}|${unitStrindex}`;
    return this._attributes.intern(k, () => ({ keyStrindex, value: anyValue(value), unitStrindex }));
  }

  /**
   * Index of the link to `traceIdHex`/`spanIdHex` (lowercase or uppercase hex of 16 and 8 bytes;
   * the caller has validated them). The all-zero link is 0.
   */
  linkIndex(traceIdHex: string, spanIdHex: string): number {
    const key = (traceIdHex + spanIdHex).toLowerCase();
    return this._links.intern(key, () => ({
      traceId: Uint8Array.from(Buffer.from(traceIdHex, 'hex')),
      spanId: Uint8Array.from(Buffer.from(spanIdHex, 'hex')),
    }));
  }

  /** The dictionary message. The builder must not be used afterwards. */
  build(): OtlpDictionary {
    return {
      mappingTable: this._mappings.entries,
      locationTable: this._locations.entries,
      functionTable: this._functions.entries,
      linkTable: this._links.entries,
      stringTable: this._strings.entries,
      attributeTable: this._attributes.entries,
      stackTable: this._stacks.entries,
    };
  }
}

/** The OTLP `AnyValue` of a scalar: integers as `int_value`, other numbers as `double_value`. */
export function anyValue(value: AttributeScalar): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isSafeInteger(value) ? { intValue: value } : { doubleValue: value };
}
