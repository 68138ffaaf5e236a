'use strict';
/**
 * The example service's route handlers. Each workload lives in a named function so it is easy to
 * find in a flame graph: `findPrimes` (CPU), `buildInventoryReport` (allocations) and
 * `fetchFromSlowBackend` (waiting, mostly off-CPU: it shows in `wall`, hardly in `cpu`).
 */
const { setTimeout: sleep } = require('node:timers/promises');

const MAX_PRIME_LIMIT = 5_000_000;
const MAX_REPORT_ITEMS = 200_000;
const MAX_WAIT_MILLIS = 10_000;

/** Reads the integer query parameter `name`, clamped to [min, max]; `fallback` when absent or bad. */
function intParam(url, name, fallback, min, max) {
  const raw = url.searchParams.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}

/** CPU-heavy: trial division of every number up to `limit` (no caching, on purpose). */
function findPrimes(limit) {
  const primes = [];
  for (let n = 2; n <= limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes.push(n);
  }
  return primes;
}

/** Allocation-heavy: many small objects and strings, then a JSON round trip over all of them. */
function buildInventoryReport(items) {
  const rows = [];
  for (let i = 0; i < items; i++) {
    rows.push({ sku: `sku-${i.toString(36)}`, name: `item number ${i}`, tags: ['a', 'b', String(i % 7)], price: (i % 1000) / 10 });
  }
  const copy = JSON.parse(JSON.stringify(rows));
  let total = 0;
  for (const row of copy) total += row.price;
  return { items: copy.length, total: Math.round(total * 100) / 100 };
}

/** Waits like a call to a slow backend: the event loop is free (idle) for `millis`. */
async function fetchFromSlowBackend(millis) {
  const started = Date.now();
  await sleep(millis);
  // A little work after the await, so the continuation shows up with the request's labels.
  const primes = findPrimes(2_000);
  return { waitedMillis: Date.now() - started, checksum: primes.length };
}

/** The routes: path -> { description, run(url) -> JSON-able result (maybe a promise) }. */
const ROUTES = Object.freeze({
  '/work': {
    description: 'CPU-heavy: counts primes up to ?n= (default 200000) in findPrimes()',
    run: (url) => {
      const limit = intParam(url, 'n', 200_000, 2, MAX_PRIME_LIMIT);
      const primes = findPrimes(limit);
      return { route: 'work', limit, primes: primes.length, largest: primes[primes.length - 1] };
    },
  },
  '/alloc': {
    description: 'allocation-heavy: builds ?items= (default 50000) objects in buildInventoryReport()',
    run: (url) => ({ route: 'alloc', ...buildInventoryReport(intParam(url, 'items', 50_000, 1, MAX_REPORT_ITEMS)) }),
  },
  '/wait': {
    description: 'awaits ?ms= (default 100) in fetchFromSlowBackend(): wall time, little CPU',
    run: async (url) => ({ route: 'wait', ...(await fetchFromSlowBackend(intParam(url, 'ms', 100, 0, MAX_WAIT_MILLIS))) }),
  },
});

module.exports = { ROUTES, findPrimes, buildInventoryReport, fetchFromSlowBackend, intParam };
