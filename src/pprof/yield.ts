/**
 * One turn of the event loop for background work (building, encoding profiles). Awaiting an
 * already-settled promise only runs microtasks, so without real turns a whole collection would
 * hold the loop as one long task. Callers are served one per turn, in call order: several
 * profiles built "in parallel" then take one turn each instead of sharing one.
 */
let tail: Promise<void> = Promise.resolve();

export function yieldToEventLoop(): Promise<void> {
  const turn = tail.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  tail = turn;
  return turn;
}
