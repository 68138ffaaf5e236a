import type { Location, Profile, PprofFunction, Sample } from './model';
import { syntheticAddresses } from './synthetic-addresses';

/** Name of the frame written for a sample with an empty stack (Go: `lostProfileEvent`). */
const LOST_FRAME = 'lostProfileEvent';

/** One stack in legacy text form: the `@ 0x..` address list and Go's `#\t..` comment lines. */
export interface TextStack {
  /**
   * `" 0x1 0x2"`: return addresses (location address + 1, since pprof subtracts 1 when it reads
   * them), leaf first, each preceded by a space (Go's `%#x`).
   */
  addresses: string;
  /** `#\t0x<pc>\t<func>+0x<off>\t<file>:<line>` lines (pc = location address), one per frame, inlined lines expanded. */
  frameLines: string[];
}

/**
 * Turns samples into legacy-text stacks. Locations keep the address the builder gave them;
 * locations without one (decoded from elsewhere) get one from `syntheticAddresses`, so every
 * stack has at least one address (pprof's legacy parser rejects a stack without).
 */
export class TextStacks {
  private readonly _locations = new Map<number, Location>();
  private readonly _functions = new Map<number, PprofFunction>();
  private readonly _cache = new Map<number, { address: number; lines: string[] }>();

  constructor(p: Profile) {
    for (const l of p.locations) this._locations.set(l.id, l);
    for (const f of p.functions) this._functions.set(f.id, f);
  }

  /** The text form of a sample's stack. */
  of(s: Sample): TextStack {
    if (s.locationIds.length === 0) {
      const address = syntheticAddresses.addressOf(LOST_FRAME, '', 0, 0, 0);
      return { addresses: ` ${hex(address + 1)}`, frameLines: [frameLine(address, LOST_FRAME, '', 0)] };
    }
    let addresses = '';
    const frameLines: string[] = [];
    for (const id of s.locationIds) {
      const loc = this._location(id);
      addresses += ` ${hex(loc.address + 1)}`;
      for (const line of loc.lines) frameLines.push(line);
    }
    return { addresses, frameLines };
  }

  private _location(id: number): { address: number; lines: string[] } {
    let cached = this._cache.get(id);
    if (cached) return cached;
    const loc = this._locations.get(id);
    const lines = loc?.lines ?? [];
    const first = lines.length > 0 ? this._functions.get(lines[0].functionId) : undefined;
    const address = loc?.address || syntheticAddresses.addressOf(
      first?.name ?? `location#${id}`, first?.filename ?? '', first?.startLine ?? 0, lines[0]?.line ?? 0, lines[0]?.column ?? 0);
    const text = lines.length === 0
      ? [`#\t${hex(address)}`]
      : lines.map((ln) => {
        const fn = this._functions.get(ln.functionId);
        return fn ? frameLine(address, fn.name, fn.filename, ln.line) : `#\t${hex(address)}`;
      });
    cached = { address, lines: text };
    this._cache.set(id, cached);
    return cached;
  }
}

/** Go's printStackRecord line: the call-site pc and its offset from the function's entry. */
function frameLine(pc: number, name: string, file: string, line: number): string {
  const entry = syntheticAddresses.entryOf(pc) ?? pc;
  return `#\t${hex(pc)}\t${name}+${hex(pc - entry)}\t${file}:${line}`;
}

/** Go's `%#x`. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
