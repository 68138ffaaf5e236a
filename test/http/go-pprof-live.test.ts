import { runGoPprof } from '../support/go-pprof';
import { servePprof, type PprofServer } from '../../src/http';
import { newProfile } from '../../src/profiles';
import { namedBurner } from '../sampler/helpers';
import { startBurnLoop, type BurnLoop } from '../support/burn-loop';

let server: PprofServer;
let burner: BurnLoop;

// A busy function the CPU profile must find: runs in short slices so the server stays responsive.
// Its big body keeps V8 from inlining it into its caller (which would hide its name).
const busyPullEndpointWork = namedBurner('busyPullEndpointWork');

function recordCustomValue(p: ReturnType<typeof newProfile>, v: object): void {
  p.add(v);
}

const custom = newProfile('otelprof.test/live-custom');
const held: object[] = [];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const v = { i };
    held.push(v);
    recordCustomValue(custom, v);
  }
  server = await servePprof({ port: 0 });
  burner = startBurnLoop(busyPullEndpointWork, 20);
  await burner.warm();
}, 120_000);
afterAll(async () => {
  burner?.stop();
  await server.close();
});

describe('go tool pprof against a live /debug/pprof', () => {
  test('-top on /profile?seconds=2 shows the busy function', async () => {
    const res = await runGoPprof(['-top', `${server.url}profile?seconds=2`]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('busyPullEndpointWork');
  });

  test.each(['heap', 'allocs', 'goroutine', 'threadcreate', 'block', 'mutex'])('-raw reads /%s', async (name) => {
    const res = await runGoPprof(['-raw', `${server.url}${name}`]);
    expect(res.stderr).not.toMatch(/failed|error/i);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/PeriodType|Samples:/);
  });

  test('-raw reads a custom profile with its callers', async () => {
    const res = await runGoPprof(['-raw', `${server.url}otelprof.test/live-custom`]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('recordCustomValue');
    expect(res.stdout).toMatch(/\n\s+3: /);
  });

  test('-symbolize=remote names the frames of debug=1 text through /symbol', async () => {
    const res = await runGoPprof(['-symbolize=remote', '-raw', `${server.url}otelprof.test/live-custom?debug=1`]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('recordCustomValue');
  });

  test('a delta over seconds=1 is readable', async () => {
    const res = await runGoPprof(['-raw', `${server.url}goroutine?seconds=1`]);
    expect(res.code).toBe(0);
  });
});
