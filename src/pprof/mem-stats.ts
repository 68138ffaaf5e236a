/**
 * The figures of Go's `runtime.MemStats` trailer in the heap `debug=1` text, filled from what
 * Node exposes. Fields Node has no counterpart for are 0. All sizes in bytes, times in ns.
 */
export interface GoMemStats {
  Alloc: number; TotalAlloc: number; Sys: number; Lookups: number; Mallocs: number; Frees: number;
  HeapAlloc: number; HeapSys: number; HeapIdle: number; HeapInuse: number; HeapReleased: number; HeapObjects: number;
  StackInuse: number; StackSys: number; MSpanInuse: number; MSpanSys: number; MCacheInuse: number; MCacheSys: number;
  BuckHashSys: number; GCSys: number; OtherSys: number; NextGC: number; LastGC: number;
  /** Recent GC pause times (ns), most recent last; printed as Go's [256]uint64 ring (zero-filled). */
  PauseNs: number[];
  /** End times (epoch ns) of recent GC pauses, same order as PauseNs. */
  PauseEnd: number[];
  NumGC: number; NumForcedGC: number; GCCPUFraction: number; DebugGC: boolean;
  /** Peak resident set size, bytes. */
  MaxRSS: number;
}

/**
 * Reads Node's memory figures into Go's MemStats shape: Alloc/HeapAlloc/HeapInuse = V8 used heap,
 * HeapSys = V8 total heap, HeapIdle = the difference, Sys = RSS, OtherSys = external memory
 * (buffers), NextGC = V8 heap size limit, MaxRSS from `process.resourceUsage()`. GC counters are
 * not tracked here (0) unless the caller fills them in.
 */
export function readNodeMemStats(): GoMemStats {
  // node:v8 is loaded here, on the first heap debug=1 text, not by every process that loads otelprof.
  const h = (require('node:v8') as typeof import('node:v8')).getHeapStatistics();
  const mem = process.memoryUsage();
  return {
    Alloc: h.used_heap_size, TotalAlloc: h.used_heap_size, Sys: mem.rss, Lookups: 0, Mallocs: 0, Frees: 0,
    HeapAlloc: h.used_heap_size, HeapSys: h.total_heap_size, HeapIdle: Math.max(0, h.total_heap_size - h.used_heap_size),
    HeapInuse: h.used_heap_size, HeapReleased: 0, HeapObjects: 0,
    StackInuse: 0, StackSys: 0, MSpanInuse: 0, MSpanSys: 0, MCacheInuse: 0, MCacheSys: 0,
    BuckHashSys: 0, GCSys: 0, OtherSys: mem.external, NextGC: h.heap_size_limit, LastGC: 0,
    PauseNs: [], PauseEnd: [], NumGC: 0, NumForcedGC: 0, GCCPUFraction: 0, DebugGC: false,
    MaxRSS: process.resourceUsage().maxRSS * 1024,
  };
}

/** The `# runtime.MemStats` block exactly as Go prints it (pprof.go writeHeapInternal). */
export function memStatsText(s: GoMemStats): string[] {
  const ring = (xs: number[]): string => {
    const arr = new Array<number>(256).fill(0);
    xs.slice(-256).forEach((x, i) => { arr[i] = x; });
    return `[${arr.join(' ')}]`;
  };
  return [
    '# runtime.MemStats',
    `# Alloc = ${s.Alloc}`, `# TotalAlloc = ${s.TotalAlloc}`, `# Sys = ${s.Sys}`, `# Lookups = ${s.Lookups}`,
    `# Mallocs = ${s.Mallocs}`, `# Frees = ${s.Frees}`,
    `# HeapAlloc = ${s.HeapAlloc}`, `# HeapSys = ${s.HeapSys}`, `# HeapIdle = ${s.HeapIdle}`, `# HeapInuse = ${s.HeapInuse}`,
    `# HeapReleased = ${s.HeapReleased}`, `# HeapObjects = ${s.HeapObjects}`,
    `# Stack = ${s.StackInuse} / ${s.StackSys}`, `# MSpan = ${s.MSpanInuse} / ${s.MSpanSys}`, `# MCache = ${s.MCacheInuse} / ${s.MCacheSys}`,
    `# BuckHashSys = ${s.BuckHashSys}`, `# GCSys = ${s.GCSys}`, `# OtherSys = ${s.OtherSys}`,
    `# NextGC = ${s.NextGC}`, `# LastGC = ${s.LastGC}`,
    `# PauseNs = ${ring(s.PauseNs)}`, `# PauseEnd = ${ring(s.PauseEnd)}`,
    `# NumGC = ${s.NumGC}`, `# NumForcedGC = ${s.NumForcedGC}`, `# GCCPUFraction = ${goFloat(s.GCCPUFraction)}`,
    `# DebugGC = ${s.DebugGC}`, `# MaxRSS = ${s.MaxRSS}`,
  ];
}

/** Go's `%v` for a float64: shortest representation, exponent form for very small/large values. */
function goFloat(x: number): string {
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs < 1e-4 || abs >= 1e21) {
    return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(x);
}
