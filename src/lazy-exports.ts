/**
 * Names a box's index exports from a module that is loaded on first use of one of them. A process
 * keeps every module it loads for as long as it runs (source text, compiled code, the loader's
 * records), and loading is also what V8 counts towards growing its young generation early, so the
 * parts an app never uses (the pull endpoint, the lock primitives, the text formats) stay unloaded.
 *
 * The index declares each name for TypeScript (`export declare const x: typeof File.x`, plus
 * `export type X = File.X` for a class) and defines it here; `test/package/lazy-loading.test.ts` checks
 * that every declared name has a value.
 */
export function lazyExports<T extends object>(target: object, load: () => T, names: ReadonlyArray<keyof T & string>): void {
  const settle = (): T => {
    const loaded = load();
    // From then on the names are plain properties, so a name read on every request
    // (`otelprof.runWithLabels`) calls no getter. Not while the file is still loading (a require
    // cycle reads it unfinished): then the getters stay and ask again.
    if (names.some((n) => loaded[n] === undefined)) return loaded;
    for (const n of names) Object.defineProperty(target, n, { value: loaded[n], enumerable: true, writable: false, configurable: false });
    return loaded;
  };
  for (const name of names) {
    Object.defineProperty(target, name, { enumerable: true, configurable: true, get: () => settle()[name] });
  }
}
