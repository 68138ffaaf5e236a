/**
 * The six built-in profiles, in Go's order. Their modules load when the registry is first used,
 * not with the package. goroutine and threadcreate are made then, because making them starts what
 * they record from (goroutine stacks when the environment asks for them, worker tracking). heap,
 * allocs, block and mutex record through the sampler or the lock primitives, so their modules
 * load on the first call to them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { BuiltinProvider } from './provider';
import type * as BuiltinGoroutine from './builtin-goroutine';
import type * as BuiltinThreadcreate from './builtin-threadcreate';
import type * as BuiltinHeap from './builtin-heap';
import type * as BuiltinBlock from './builtin-block';
import type * as BuiltinMutex from './builtin-mutex';

export function builtinProviders(): BuiltinProvider[] {
  const heap = (): typeof BuiltinHeap => require('./builtin-heap');
  return [
    (require('./builtin-goroutine') as typeof BuiltinGoroutine).goroutineProfileProvider(),
    (require('./builtin-threadcreate') as typeof BuiltinThreadcreate).threadcreateProfileProvider(),
    onFirstCall('heap', () => heap().heapProfileProvider()),
    onFirstCall('allocs', () => heap().allocsProfileProvider()),
    onFirstCall('block', () => (require('./builtin-block') as typeof BuiltinBlock).blockProfileProvider()),
    onFirstCall('mutex', () => (require('./builtin-mutex') as typeof BuiltinMutex).mutexProfileProvider()),
  ];
}

/** A provider made by `make` on the first call to any of its methods. */
function onFirstCall(name: string, make: () => BuiltinProvider): BuiltinProvider {
  let made: BuiltinProvider | undefined;
  const provider = (): BuiltinProvider => (made ??= make());
  return {
    name,
    count: () => provider().count(),
    snapshot: () => provider().snapshot(),
    text: (debug) => provider().text(debug),
  };
}
