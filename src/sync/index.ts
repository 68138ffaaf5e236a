/**
 * sync: async lock primitives for application code. A leaf box: it imports nothing from the
 * rest of otelprof except errors, and only reports contention events (see `contention.ts`) to
 * whichever profiler installed an observer.
 */
export { Mutex } from './mutex';
export { RWMutex } from './rw-mutex';
export { Semaphore } from './semaphore';
export { UnlockOfUnlockedError } from './errors';
export {
  setContentionReporting, contentionFraction, contentionObserverErrors, type ContentionObserver,
} from './contention';

/** Directory of this box's sources: profilers drop leading frames from here when charging stacks. */
export const SYNC_SOURCE_DIR: string = __dirname;
