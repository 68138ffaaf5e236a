/*
 * glibc's malloc_stats() (per-arena bytes taken from the system and bytes in use) written to
 * stderr every MSTATS_SECONDS by a thread of its own, in any process it is preloaded into: tells
 * memory that native code holds from memory malloc keeps after it was freed, and which arena
 * (main thread or another thread's) keeps it. A diagnostic for bench/outside-heap.js runs.
 *
 *   gcc -shared -fPIC -O2 -o /tmp/malloc-stats.so bench/malloc-stats.c -lpthread
 *   MSTATS_SECONDS=60 LD_PRELOAD=/tmp/malloc-stats.so node bench/outside-heap.js fast collect 1250 200 2> stats.txt
 * MSTATS_TOTALS=1: one line of mallinfo2() totals over all arenas instead (MB: `arena` taken from
 * the system outside mmap, `mmap` mapped blocks, `inuse`, `free`). MSTATS_TRIM=1: malloc_trim(0)
 * after each report (how much of the free part whole pages make). Not part of the library.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *report_forever(void *unused) {
  (void)unused;
  const char *every = getenv("MSTATS_SECONDS");
  unsigned seconds = (unsigned)atoi(every);
  int totals = getenv("MSTATS_TOTALS") != NULL;
  int trim = getenv("MSTATS_TRIM") != NULL;
  const double mb = 1048576.0;
  for (;;) {
    sleep(seconds > 0 ? seconds : 60);
    if (totals) {
      struct mallinfo2 m = mallinfo2();
      fprintf(stderr, "mallinfo2 arena=%.1f mmap=%.1f inuse=%.1f free=%.1f\n", m.arena / mb, m.hblkhd / mb, m.uordblks / mb, m.fordblks / mb);
    } else {
      malloc_stats();
    }
    if (trim) malloc_trim(0);
  }
  return NULL;
}

/* Runs when the library is loaded; does nothing unless MSTATS_SECONDS is set. */
__attribute__((constructor)) static void start_reporting(void) {
  if (getenv("MSTATS_SECONDS") == NULL) return;
  pthread_t thread;
  if (pthread_create(&thread, NULL, report_forever, NULL) == 0) pthread_detach(thread);
}
