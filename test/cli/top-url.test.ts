/**
 * `otelprof top <url>` against a live pull endpoint (`servePprof` in this process, which burns CPU
 * in a named function): a CPU profile recorded on request, with progress shown while it takes;
 * a custom profile as protobuf and as legacy debug=1 text; and the endpoint's errors.
 */
import { newProfile, type Profile as PprofProfile } from '../../src/profiles';
import { servePprof, type PprofServer } from '../../src/http';
import { namedBurner } from '../sampler/helpers';
import { startBurnLoop, type BurnLoop } from '../support/burn-loop';
import { ensureBuilt, otelprof, stderrLines, topRows, topTotal } from './support';
import { defaultTimeoutSeconds } from '../../src/cli/top-command';

let server: PprofServer;
let burner: BurnLoop;
let things: PprofProfile;

const urlBurner = namedBurner('urlBurner');

// Named so the custom profile's stacks have a recognisable leaf (the caller of Profile.add).
function checkOutThing(thing: object): void {
  things.add(thing);
}

beforeAll(async () => {
  await ensureBuilt();
  server = await servePprof({ port: 0 });
  things = newProfile('otelprof_cli_things');
  for (let i = 0; i < 3; i++) checkOutThing({ i });
  burner = startBurnLoop(urlBurner, 15);
  await burner.warm();
}, 120_000);

afterAll(async () => {
  burner?.stop();
  await server?.close();
});

test('a CPU profile recorded through the URL lists the busy function first, with progress while it records', async () => {
  const res = await otelprof(['top', `${server.url}profile?seconds=2`]);
  if (res.code !== 0) throw new Error(`exit ${res.code}: ${res.stderr}`);
  expect(topTotal(res.stdout).by).toBe('cpu/nanoseconds');
  expect(topRows(res.stdout)[0].name).toBe('urlBurner');
  // More than a second: a progress line naming what it waits for.
  expect(res.stderr.split('\n')).toContainEqual(expect.stringMatching(/^reading http:\/\/127\.0\.0\.1:\d+\/debug\/pprof\/profile\?seconds=2 \(\d+s\)$/));
});

test('a custom profile reads the same as protobuf (debug=0) and as legacy text (debug=1)', async () => {
  const [pb, text] = [await otelprof(['top', `${server.url}otelprof_cli_things`]), await otelprof(['top', `${server.url}otelprof_cli_things?debug=1`])];
  expect([pb.code, text.code]).toEqual([0, 0]);
  expect(topTotal(pb.stdout)).toEqual({ by: 'otelprof_cli_things/count', total: '3' });
  expect(topTotal(text.stdout)).toEqual(topTotal(pb.stdout));
  expect(topRows(pb.stdout)[0]).toMatchObject({ flat: '3', name: 'checkOutThing' });
  expect(topRows(text.stdout)[0]).toMatchObject({ flat: '3', name: 'checkOutThing' });
});

test('endpoint errors: unknown profile (HTTP 404) and a goroutine stack dump (debug=2) exit 1 with one message', async () => {
  const missing = await otelprof(['top', `${server.url}no_such_profile`]);
  expect(missing.code).toBe(1);
  expect(stderrLines(missing)).toEqual([`otelprof top: ${server.url}no_such_profile: HTTP 404: Unknown profile`]);
  const dump = await otelprof(['top', `${server.url}goroutine?debug=2`]);
  expect(dump.code).toBe(1);
  expect(stderrLines(dump)).toEqual([`otelprof top: ${server.url}goroutine?debug=2 is a goroutine stack dump (debug=2), not a profile: ask for debug=1 or debug=0`]);
});

test('a URL slower than --timeout gives up with a message naming the limit', async () => {
  const res = await otelprof(['top', '--timeout', '1', `${server.url}profile?seconds=5`]);
  expect(res.code).toBe(1);
  expect(stderrLines(res).pop()).toBe(`otelprof top: cannot fetch ${server.url}profile?seconds=5: no answer within 1s (--timeout)`);
});

test('without --timeout, a long profile URL is waited for 1.5 x its seconds (go tool pprof: duration + duration/2)', () => {
  expect(defaultTimeoutSeconds('http://h:6060/debug/pprof/profile?seconds=150')).toBe(225);
  expect(defaultTimeoutSeconds('http://h:6060/debug/pprof/profile?seconds=5')).toBe(120);
  expect(defaultTimeoutSeconds('http://h:6060/debug/pprof/heap')).toBe(120);
  expect(defaultTimeoutSeconds('profile.pb.gz')).toBe(120);
});
