/** startProfiling picks the Pyroscope route and label-name rules from its options. */
import { startProfiling } from '../../src';
import { startPyroscopeCollector, type PyroscopeCollector } from '../support/pyroscope-collector';

let collector: PyroscopeCollector;
beforeAll(async () => {
  collector = await startPyroscopeCollector();
});
afterAll(() => collector.stop());

test.each([
  ['push', '/push.v1.PusherService/Push'],
  ['ingest', '/ingest'],
] as const)('pyroscopeRoute %s uploads to %s, and the collector accepts it', async (route, path) => {
  const service = `route-${route}`;
  const p = startProfiling({
    serviceName: service, serverAddress: collector.url, pyroscopeRoute: route, profileTypes: ['goroutine'],
    labels: { 'team.name': 'profiling' }, legacyLabelNames: route === 'ingest',
  });
  try {
    await p.forceFlush();
  } finally {
    await p.shutdown();
  }
  const mine = collector.series.filter((s) => s.labels.service_name === service);
  expect(mine.length).toBeGreaterThan(0);
  expect(collector.requests.filter((r) => r.status !== 200)).toEqual([]);
  expect(collector.requests.some((r) => r.route === path)).toBe(true);
  // Legacy names: '.' rewritten to '_'; otherwise sent as they are (Pyroscope 2.x accepts dots).
  if (route === 'ingest') expect(mine[0].labels.team_name).toBe('profiling');
  else expect(mine[0].labels['team.name']).toBe('profiling');
});

test('a bad route is refused with the rule', () => {
  expect(() => startProfiling({ pyroscopeRoute: 'grpc' as never })).toThrow('pyroscopeRoute must be one of "push", "ingest" (actual: "grpc")');
});
