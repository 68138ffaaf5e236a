/** startCPUProfile / stopCPUProfile: Go's single-owner rule, argument errors, backend selection. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuProfilingInUseError, InvalidArgumentError, startCPUProfile, stopCPUProfile } from '../../src';
import { cpuSamplerState, openCpuWindow, requestedBackend } from '../../src/sampler';
import { decodeIndependent, namedBurner, sink } from './helpers';

const spin = namedBurner('spinApi');

afterEach(async () => {
  await stopCPUProfile();
});

test('a second startCPUProfile fails with Go\'s message and code; the first profile is intact', async () => {
  const first = sink();
  startCPUProfile(first.stream);
  let err: unknown;
  try {
    startCPUProfile(sink().stream);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CpuProfilingInUseError);
  expect(err).toMatchObject({ code: 'PPROF_ERR_CPU_PROFILING_IN_USE', message: 'cpu profiling already in use' });
  spin(200);
  await stopCPUProfile();
  const p = decodeIndependent(first.bytes());
  expect(p.samples.some((s) => s.functions.includes('spinApi'))).toBe(true);
  // After stop, starting again works.
  startCPUProfile(sink().stream);
  await stopCPUProfile();
});

test('stopCPUProfile without a running profile is a no-op', async () => {
  await expect(stopCPUProfile()).resolves.toBeUndefined();
});

test.each([
  ['0', 0, 'hz must be an integer from 1 to 10000 (actual: 0)'],
  ['negative', -5, 'hz must be an integer from 1 to 10000 (actual: -5)'],
  ['fraction', 99.5, 'hz must be an integer from 1 to 10000 (actual: 99.5)'],
  ['too high', 20000, 'hz must be an integer from 1 to 10000 (actual: 20000)'],
  ['NaN', NaN, 'hz must be an integer from 1 to 10000 (actual: NaN)'],
  ['a string', '100' as unknown as number, 'hz must be an integer from 1 to 10000 (actual: 100)'],
])('hz %s is rejected with InvalidArgumentError naming value and rule', (_n, hz, message) => {
  let err: unknown;
  try {
    startCPUProfile(sink().stream, { hz });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect(err).toMatchObject({ code: 'PPROF_ERR_INVALID_ARG', message });
  expect(cpuSamplerState().running).toBe(false);
});

test('options that are not an object are an InvalidArgumentError naming them', () => {
  expect(() => startCPUProfile(sink().stream, null as never)).toThrow(new InvalidArgumentError('startCPUProfile: options must be an object (got null)'));
  expect(() => startCPUProfile(sink().stream, 100 as never)).toThrow(new InvalidArgumentError('startCPUProfile: options must be an object (got number)'));
  expect(cpuSamplerState().running).toBe(false);
});

test("a stream that failed before the profile was written: stopCPUProfile rejects with the stream's own error", async () => {
  const stream = createWriteStream(join(tmpdir(), 'otelprof-no-such-dir', 'cpu.pb.gz'));
  startCPUProfile(stream);
  await once(stream, 'error');
  await expect(stopCPUProfile()).rejects.toMatchObject({ code: 'ENOENT' });
});

test('a bad backend is refused while the sampler already runs, as it is when the sampler is idle', () => {
  const w = openCpuWindow();
  try {
    expect(() => startCPUProfile(sink().stream, { backend: 'natve' as 'native' })).toThrow(
      expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message: "backend must be 'native' or 'inspector' (actual: natve)" }),
    );
    expect(cpuSamplerState().windows).toBe(1);
  } finally {
    w.close();
  }
});

test.each([
  ['no stream', undefined],
  ['a non-stream', {}],
])('%s is rejected', (_n, stream) => {
  expect(() => startCPUProfile(stream as unknown as NodeJS.WritableStream)).toThrow(InvalidArgumentError);
});

test.each([
  [undefined, undefined, 'native'],
  [undefined, 'inspector', 'inspector'],
  [undefined, ' Native ', 'native'],
  [undefined, 'bogus', 'native'],
  ['inspector', 'native', 'inspector'],
  ['native', 'inspector', 'native'],
] as const)('backend option %s with OTELPROF_SAMPLER=%s selects %s', (option, env, want) => {
  const saved = process.env.OTELPROF_SAMPLER;
  try {
    if (env === undefined) delete process.env.OTELPROF_SAMPLER;
    else process.env.OTELPROF_SAMPLER = env;
    expect(requestedBackend(option)).toBe(want);
  } finally {
    if (saved === undefined) delete process.env.OTELPROF_SAMPLER;
    else process.env.OTELPROF_SAMPLER = saved;
  }
});

test('the environment variable picks the backend a window runs on', () => {
  const saved = process.env.OTELPROF_SAMPLER;
  process.env.OTELPROF_SAMPLER = 'inspector';
  try {
    const w = openCpuWindow();
    expect(w.backend).toBe('inspector');
    w.close();
  } finally {
    if (saved === undefined) delete process.env.OTELPROF_SAMPLER;
    else process.env.OTELPROF_SAMPLER = saved;
  }
});

test('scheduler windows and startCPUProfile share one sampler and both get the samples', async () => {
  const w = openCpuWindow();
  const out = sink();
  startCPUProfile(out.stream);
  spin(250);
  await stopCPUProfile();
  expect(cpuSamplerState().running).toBe(true);
  const raw = w.close();
  expect(cpuSamplerState().running).toBe(false);
  // Count every non-idle sample: V8 may inline the burner into the test, hiding its name.
  const fromWindow = [...raw.samples].filter((x) => !x.idle).length;
  const fromProfile = decodeIndependent(out.bytes()).samples.reduce((a, x) => a + x.values[0], 0);
  expect(fromProfile).toBeGreaterThan(5);
  expect(fromWindow).toBeGreaterThanOrEqual(fromProfile);
});

test('rotation loses no samples: consecutive windows add up to one long window', () => {
  const long = openCpuWindow();
  const short = openCpuWindow();
  let rotated = 0;
  for (let i = 0; i < 4; i++) {
    spin(80);
    rotated += short.rotate().samples.length;
  }
  rotated += short.close().samples.length;
  const all = long.close().samples.length;
  expect(rotated).toBeGreaterThan(10);
  // The long window also holds the few samples taken before `short` opened.
  expect(all).toBeGreaterThanOrEqual(rotated);
  expect(all - rotated).toBeLessThanOrEqual(3);
});

test('the native backend runs where the addon loads, with the right context mode', () => {
  const w = openCpuWindow({ backend: 'native' });
  const st = cpuSamplerState();
  w.close();
  expect(st.backend).toBe('native');
  const major = Number(process.versions.node.split('.')[0]);
  if (process.platform !== 'win32') {
    expect(['frame', 'global', undefined]).toContain(st.contextMode);
    expect(st.contextMode).toBe(major >= 24 ? 'frame' : 'global');
  }
});
