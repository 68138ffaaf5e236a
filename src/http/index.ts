/** The /debug/pprof pull endpoint (Go's net/http/pprof) and the flame graph page. */
export { pprofHandler } from './handler';
export type { PprofHandlerOptions, PprofRequestHandler } from './handler';
export { servePprof } from './server';
export type { ServePprofOptions, PprofServer } from './server';
export { profileDescriptions } from './index-page';
