/** Query-string parsing with Go's leniency rules (net/http/pprof). */

/** Go's `strconv.Atoi(r.FormValue(name))` with the error ignored: anything unparsable is 0. */
export function intParam(params: URLSearchParams, name: string): number {
  const raw = params.get(name);
  if (raw === null || !/^[+-]?\d+$/.test(raw.trim())) return 0;
  const n = Number(raw.trim());
  return Number.isSafeInteger(n) ? n : 0;
}

/** A strict positive integer, or undefined when absent or malformed. */
export function positiveIntParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
