/** The six built-in profiles, in Go's order. */
import { blockProfileProvider } from './builtin-block';
import { goroutineProfileProvider } from './builtin-goroutine';
import { allocsProfileProvider, heapProfileProvider } from './builtin-heap';
import { mutexProfileProvider } from './builtin-mutex';
import { threadcreateProfileProvider } from './builtin-threadcreate';
import type { BuiltinProvider } from './provider';

export function builtinProviders(): BuiltinProvider[] {
  return [
    goroutineProfileProvider(), threadcreateProfileProvider(), heapProfileProvider(), allocsProfileProvider(),
    blockProfileProvider(), mutexProfileProvider(),
  ];
}
