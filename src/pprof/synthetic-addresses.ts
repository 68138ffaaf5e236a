/**
 * Synthetic code addresses for JavaScript frames. Go's legacy text profiles and `/debug/pprof/symbol`
 * speak in program counters; JS has none, so each distinct frame gets a stable fake one.
 *
 * Each function (name, file, start line) owns regions of REGION_SIZE bytes; each distinct frame
 * (function + line + column) takes a SLOT_SIZE slot inside one, at `regionStart + SLOT_SIZE * k`
 * (k >= 1). Any address inside a region resolves to its function name, which matters because
 * pprof subtracts 1 from the return addresses it reads before asking `/symbol`.
 */

const BASE_ADDRESS = 0x400000;
const REGION_SIZE = 0x1000;
const SLOT_SIZE = 0x10;
const SLOTS_PER_REGION = REGION_SIZE / SLOT_SIZE - 1;

interface FunctionRegions {
  name: string;
  /** Start of the region new frames of this function go to. */
  current: number;
  /** Slots used in `current`. */
  used: number;
}

/**
 * A table frame -> synthetic address and address -> function name. Addresses only grow, so
 * region starts stay sorted and `resolve` is a binary search. Memory grows with the number of
 * distinct frames ever seen (each entry is a few dozen bytes).
 */
export class SyntheticAddresses {
  private readonly _frames = new Map<string, number>();
  private readonly _functions = new Map<string, FunctionRegions>();
  private readonly _regionStarts: number[] = [];
  private readonly _regionNames: string[] = [];
  private _next = BASE_ADDRESS;

  /**
   * The address of a frame (its "call-site pc", what a pprof Location carries), allocated on
   * first use; legacy text prints it + 1 as the return address. `functionName` is the display name (as
   * written into the profile). Lines and columns are 1-based, 0 when unknown.
   */
  addressOf(functionName: string, fileName: string, startLine: number, line: number, column: number): number {
    const fnKey = `${functionName}\0${fileName}\0${startLine}`;
    const key = `${fnKey}\0${line}\0${column}`;
    const known = this._frames.get(key);
    if (known !== undefined) return known;
    let fn = this._functions.get(fnKey);
    if (fn === undefined || fn.used === SLOTS_PER_REGION) {
      fn = { name: functionName, current: this._newRegion(functionName), used: 0 };
      this._functions.set(fnKey, fn);
    }
    fn.used++;
    const address = fn.current + SLOT_SIZE * fn.used;
    this._frames.set(key, address);
    return address;
  }

  /** The function name owning `address` (any address inside its region), or undefined. */
  resolve(address: number): string | undefined {
    const i = this._regionIndex(address);
    return i < 0 ? undefined : this._regionNames[i];
  }

  /** The start ("entry") of the region holding `address`, or undefined; Go prints `func+0x<pc-entry>`. */
  entryOf(address: number): number | undefined {
    const i = this._regionIndex(address);
    return i < 0 ? undefined : this._regionStarts[i];
  }

  /** Number of distinct frames with an address. */
  get size(): number {
    return this._frames.size;
  }

  private _newRegion(name: string): number {
    const start = this._next;
    this._next += REGION_SIZE;
    this._regionStarts.push(start);
    this._regionNames.push(name);
    return start;
  }

  private _regionIndex(address: number): number {
    const starts = this._regionStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && address < starts[hi] + REGION_SIZE ? hi : -1;
  }
}

/**
 * The process-wide table shared by the builder, the legacy text writers and the `/symbol`
 * endpoint (one per loaded copy of otelprof).
 */
export const syntheticAddresses = new SyntheticAddresses();
