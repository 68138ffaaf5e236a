/**
 * Live async work, the Node counterpart of Go's goroutines: handles and requests keeping the
 * event loop alive (`process.getActiveResourcesInfo()`, always available and cheap), and, when
 * creation-stack tracking is on, every live async resource with the stack and labels that
 * created it (async_hooks `init`, removed on `destroy`, promises on `promiseResolve`).
 */
import { createHook, type AsyncHook } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { componentLogger } from '../otel-api';
import { InvalidArgumentError } from '../errors';
import { currentLabels, type LabelSet } from '../labels';
import type { StackFrame } from '../pprof/model';
import { captureUserStack } from './async-resources-stack';

const logger = componentLogger('otelprof/sampler');

/** Default bound on tracked resources: beyond it new resources are counted as dropped. */
export const DEFAULT_MAX_TRACKED_RESOURCES = 10_000;

/** Options of {@link enableGoroutineStacks}. */
export interface GoroutineStacksOptions {
  /** Also track pending promises (costly: one hook call per promise). Default false. */
  promises?: boolean;
  /** Most resources tracked at once; later ones are dropped and counted. Default 10 000. */
  maxResources?: number;
}

/** One live async resource seen by creation-stack tracking. */
export interface LiveAsyncResource {
  readonly asyncId: number;
  /** async_hooks type, e.g. `Timeout`, `TCPWRAP`, `PROMISE`. */
  readonly type: string;
  /** `performance.now()` at creation, milliseconds. */
  readonly createdAtMillis: number;
  /** Creation stack, leaf first, Node internals trimmed. */
  readonly stack: readonly StackFrame[];
  /** Labels active where it was created. */
  readonly labels: LabelSet | undefined;
}

/**
 * Live handles and requests by type, as Node reports them (`Timeout`, `TCPSocketWrap`,
 * `FSReqCallback`, ...). Unref'ed timers and promises are not included (Node does not list them).
 */
export function activeResourceTypes(): Map<string, number> {
  const byType = new Map<string, number>();
  for (const t of process.getActiveResourcesInfo()) byType.set(t, (byType.get(t) ?? 0) + 1);
  return byType;
}

/** Number of live handles and requests (`process.getActiveResourcesInfo().length`). */
export function activeResourceCount(): number {
  return process.getActiveResourcesInfo().length;
}

const OWN_DIRS: readonly string[] = [__dirname];

/** The process-wide tracker behind the goroutine profile's creation stacks. */
class AsyncResourceTracker {
  private _hook: AsyncHook | undefined;
  private _promises = false;
  private _max = DEFAULT_MAX_TRACKED_RESOURCES;
  private readonly _live = new Map<number, LiveAsyncResource>();
  private _dropped = 0;

  get enabled(): boolean {
    return this._hook !== undefined;
  }

  get promises(): boolean {
    return this._promises;
  }

  get dropped(): number {
    return this._dropped;
  }

  enable(opts: GoroutineStacksOptions): void {
    const max = opts.maxResources ?? DEFAULT_MAX_TRACKED_RESOURCES;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new InvalidArgumentError(`maxResources must be a positive integer (got ${String(max)})`);
    }
    this.disable();
    this._max = max;
    this._promises = opts.promises === true;
    const remove = (id: number): void => { this._live.delete(id); };
    this._hook = createHook({
      init: (id, type) => this._init(id, type),
      destroy: remove,
      // A resolved promise is no longer pending work, whether or not it is collected yet.
      promiseResolve: this._promises ? remove : undefined,
    });
    this._hook.enable();
  }

  disable(): void {
    this._hook?.disable();
    this._hook = undefined;
    this._live.clear();
    this._dropped = 0;
  }

  snapshot(): LiveAsyncResource[] {
    return [...this._live.values()];
  }

  private _init(asyncId: number, type: string): void {
    if (type === 'PROMISE' && !this._promises) return;
    if (this._live.size >= this._max) {
      this._dropped++;
      return;
    }
    try {
      const stack = captureUserStack(OWN_DIRS);
      this._live.set(asyncId, { asyncId, type, createdAtMillis: performance.now(), stack, labels: currentLabels() });
    } catch (err) {
      // A hook that throws kills the process (async_hooks rule): never let it escape.
      this._dropped++;
      logger.debug(`goroutine stack capture failed: ${String(err)}`);
    }
  }
}

const tracker = new AsyncResourceTracker();

/**
 * Turns on creation-stack tracking for the goroutine profile: from now on every new async
 * resource (handles, requests, and promises if `options.promises`) is recorded with its creation
 * stack and labels until it is destroyed. Resources that existed before are not seen. Costs one
 * async_hooks `init` call and one stack capture per resource (see docs/runtime-profiles.md).
 * Calling it again restarts tracking with the new options.
 *
 * @throws InvalidArgumentError (`PPROF_ERR_INVALID_ARG`) if `maxResources` is not a positive integer.
 */
export function enableGoroutineStacks(options: GoroutineStacksOptions = {}): void {
  tracker.enable(options);
}

/** Turns creation-stack tracking off and forgets what it tracked. No-op when it is off. */
export function disableGoroutineStacks(): void {
  tracker.disable();
}

/** Whether creation-stack tracking is on. */
export function goroutineStacksEnabled(): boolean {
  return tracker.enabled;
}

/** Whether tracking includes promises. */
export function goroutinePromisesTracked(): boolean {
  return tracker.enabled && tracker.promises;
}

/** Live tracked resources (empty when tracking is off). */
export function liveAsyncResources(): LiveAsyncResource[] {
  return tracker.snapshot();
}

/** Resources not tracked because the bound was reached (or stack capture failed). */
export function droppedAsyncResources(): number {
  return tracker.dropped;
}
