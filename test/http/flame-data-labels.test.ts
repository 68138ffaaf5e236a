/**
 * The flame graph page's data (`ui/data`) keeps every label key a sample carries, also keys that
 * name Object.prototype members: `__proto__` set on a plain object would become its prototype
 * and vanish from the JSON.
 */
import { servePprof, type PprofServer } from '../../src/http';
import { labels, runWithLabels } from '../../src/labels';
import { setMutexProfileFraction } from '../../src/profiles/builtin-mutex';
import { Mutex } from '../../src/sync';

let server: PprofServer;
beforeAll(async () => {
  server = await servePprof({ port: 0 });
});
afterAll(async () => {
  setMutexProfileFraction(0);
  await server.close();
});

/** Holds the lock briefly: its unlock() charges the waiter's delay, with the holder's labels. */
async function holdLock(m: Mutex): Promise<void> {
  await m.lock();
  await new Promise((resolve) => setTimeout(resolve, 2));
  m.unlock();
}

test('labels named __proto__, constructor and hasOwnProperty reach the page data as keys', async () => {
  setMutexProfileFraction(1);
  const m = new Mutex();
  const set = labels('__proto__', 'p', 'constructor', 'c', 'hasOwnProperty', 'h', 'route', '/r');
  await runWithLabels(set, () => Promise.all([holdLock(m), holdLock(m)]));
  const res = await fetch(`${server.url}ui/data?profile=mutex`);
  expect(res.status).toBe(200);
  // JSON.parse makes `__proto__` an own key, as the page's own JSON.parse (fetch().json()) does.
  const data = JSON.parse(await res.text()) as { samples: { labels: Record<string, string> }[] };
  const labelled = data.samples.filter((s) => Object.prototype.hasOwnProperty.call(s.labels, 'route'));
  expect(labelled.length).toBeGreaterThan(0);
  for (const s of labelled) {
    expect(Object.entries(s.labels).sort()).toEqual([['__proto__', 'p'], ['constructor', 'c'], ['hasOwnProperty', 'h'], ['route', '/r']]);
  }
});
