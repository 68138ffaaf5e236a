/**
 * A bounded ring of (monotonic microseconds, sample context) transitions, used to attribute
 * inspector samples (which carry only a time) to the context that was active when they were taken.
 */
export class TransitionLog {
  private readonly _times: Float64Array;
  private readonly _values: Array<object | undefined>;
  private _next = 0;
  private _size = 0;
  /** Transitions overwritten before anyone read them (samples before them lose their context). */
  dropped = 0;

  constructor(capacity: number) {
    this._times = new Float64Array(capacity);
    this._values = new Array<object | undefined>(capacity).fill(undefined);
  }

  /** Records that `value` became current at `micros` (monotonic). Allocation-free. */
  push(micros: number, value: object | undefined): void {
    const cap = this._times.length;
    this._times[this._next] = micros;
    this._values[this._next] = value;
    this._next = (this._next + 1) % cap;
    if (this._size < cap) this._size++;
    else this.dropped++;
  }

  /**
   * The context current at each of `sortedMicros` (ascending monotonic times). Times before the
   * oldest kept transition get undefined. Transitions older than the last sample are then
   * forgotten except the newest one before it, which still applies to later samples.
   */
  attribute(sortedMicros: readonly number[]): Array<object | undefined> {
    const cap = this._times.length;
    const start = (this._next - this._size + cap) % cap;
    const out = new Array<object | undefined>(sortedMicros.length);
    let j = 0; // transitions consumed
    let cur: object | undefined;
    let known = false;
    for (let i = 0; i < sortedMicros.length; i++) {
      const t = sortedMicros[i];
      while (j < this._size && this._times[(start + j) % cap] <= t) {
        cur = this._values[(start + j) % cap];
        known = true;
        j++;
      }
      out[i] = known ? cur : undefined;
    }
    // Keep the last applied transition (it still holds) and everything after it.
    const keepFrom = Math.max(0, j - 1);
    const kept = this._size - keepFrom;
    for (let k = 0; k < keepFrom; k++) this._values[(start + k) % cap] = undefined;
    this._size = kept;
    return out;
  }
}
