/**
 * Node's AsyncContextFrame (Node 24+, 22 with `--experimental-async-context-frame`), reached from
 * outside Node, so that one scope entry can carry several AsyncLocalStorage values.
 *
 * Why. On these runtimes the async context is one immutable-by-convention Map (the "frame") that V8
 * carries across `await`, promises, timers and callbacks. `AsyncLocalStorage.run` copies it on entry
 * and copies it again to restore the caller's store on exit: 763 bytes and two Map copies per call
 * with one store set (measured, Node 24.21), and `runWithLabels` ran two of them (otelprof's label
 * store, the native sampler's sample-context slot). Entering one new frame that holds both, and
 * putting the caller's frame object back on exit, is one copy (bench/RESULTS.md, fifteenth pass).
 *
 * How. Node keeps the frame class internal; an `AsyncResource` records the frame it was created in
 * under a symbol described `context_frame`, and the frame's constructor has the static `current()`
 * and `set()` Node itself uses. Everything is checked once by a probe; when anything differs (Node
 * 20, a future Node that moved it) `asyncFrames()` is undefined and callers use
 * `AsyncLocalStorage.run` as before.
 *
 * Rule for callers: write into a frame only before entering it (`enter`). The native sampler reads
 * the current frame from a signal handler, so the current frame must never change in place.
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

/** One async context frame: a Map from AsyncLocalStorage instances to their values. */
export type AsyncFrame = Map<object, unknown>;

/** What otelprof needs of the runtime's frames. */
export interface AsyncFrames {
  /** The current frame (undefined before any store was entered). */
  current(): AsyncFrame | undefined;
  /** A new frame: the current one with `store` set to `value` (one copy). Not entered yet. */
  derive(store: AsyncLocalStorage<unknown>, value: unknown): AsyncFrame;
  /** Makes `frame` current (undefined: no frame, as before the first store was entered). */
  enter(frame: AsyncFrame | undefined): void;
  /**
   * The frame an `AsyncResource` recorded when it was made, which its `runInAsyncScope` enters
   * (undefined: none was current then); `null` when `resource` is not an `AsyncResource`.
   */
  recordedFrame(resource: object): AsyncFrame | undefined | null;
}

interface FrameClass {
  new (store: object, value: unknown): AsyncFrame;
  current(): AsyncFrame | undefined;
  set(frame: AsyncFrame | undefined): void;
}

let probed = false;
let frames: AsyncFrames | undefined;

/** The runtime's frames, or undefined where they are absent or not recognized (probed once). */
export function asyncFrames(): AsyncFrames | undefined {
  if (!probed) {
    probed = true;
    try {
      frames = probe();
    } catch {
      frames = undefined;
    }
  }
  return frames;
}

function probe(): AsyncFrames | undefined {
  const frameOf = (r: AsyncResource, sym: symbol): unknown => (r as unknown as Record<symbol, unknown>)[sym];
  const sym = Object.getOwnPropertySymbols(new AsyncResource('otelprof.frameProbe')).find((s) => s.description === 'context_frame');
  if (sym === undefined) return undefined;
  const prior = frameOf(new AsyncResource('otelprof.frameProbe'), sym);
  const a = new AsyncLocalStorage<unknown>();
  const b = new AsyncLocalStorage<unknown>();
  const va = {};
  const vb = {};
  const Frame = a.run(va, () => {
    const f = frameOf(new AsyncResource('otelprof.frameProbe'), sym);
    // Node's frames are primordial SafeMaps (no Object.prototype in their chain): no instanceof.
    if (typeof f !== 'object' || f === null || typeof (f as AsyncFrame).get !== 'function' || (f as AsyncFrame).get(a) !== va) return undefined;
    const C = (f as { constructor?: unknown }).constructor as FrameClass | undefined;
    if (typeof C !== 'function' || typeof C.current !== 'function' || typeof C.set !== 'function') return undefined;
    return C.current() === f ? C : undefined;
  });
  if (Frame === undefined) return undefined;
  // `run` restored with a copy that keeps `a` (as undefined): put the frame back as it was, or
  // every later copy in the process would carry that entry.
  Frame.set(prior as AsyncFrame | undefined);
  if (Frame.current() !== prior) return undefined;
  // Deriving, entering and restoring must behave as AsyncLocalStorage sees them.
  const f = new Frame(b, vb);
  if (f.get(b) !== vb || Frame.current() !== prior) return undefined;
  Frame.set(f);
  const inside = b.getStore() === vb && a.getStore() === undefined;
  Frame.set(prior as AsyncFrame | undefined);
  if (!inside || b.getStore() !== undefined || Frame.current() !== prior) return undefined;
  return {
    current: () => Frame.current(),
    derive: (store, value) => new Frame(store, value),
    enter: (frame) => Frame.set(frame),
    recordedFrame: (resource) => (sym in resource ? (resource as Record<symbol, AsyncFrame | undefined>)[sym] : null),
  };
}
