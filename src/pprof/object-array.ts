/**
 * An empty array already of V8's general elements kind. A `[]` literal starts as small integers
 * only; code V8 optimized during one collection then took each new collection's empty array for
 * one that holds small integers, and was thrown away at the first frame or stack pushed into it:
 * the collection after the first then ran the walks unoptimized (overhead apps, 40-deep stacks,
 * Node 20: that collection's rotation took 13.5-14.6 ms, 5.4-8.4 with these arrays; bench/RESULTS.md,
 * twenty-ninth pass). Arrays the collections push objects into are made here.
 */
export function emptyObjectArray<T>(): T[] {
  const a: unknown[] = [undefined];
  a.pop();
  return a as T[];
}
