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
  let loaded: T | undefined;
  for (const name of names) {
    Object.defineProperty(target, name, { enumerable: true, get: () => (loaded ??= load())[name] });
  }
}
