/** What a built-in profile plugs into `Profile`: its count, its data, and its debug text. */
import type { Profile as PprofProfile } from '../pprof';

export interface BuiltinProvider {
  readonly name: string;
  /** Go's `Count()` for this profile (live resources, records, ...). */
  count(): number;
  /** The profile now, in the pprof model (what `writeTo(s, 0)` encodes). */
  snapshot(): Promise<PprofProfile>;
  /** Go's legacy text for `debug >= 1` (`debug = 2` only differs for goroutine). */
  text(debug: number): Promise<string>;
}
