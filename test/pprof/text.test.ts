import { ProfileBuilder, writeContentionText, writeCountText, writeHeapText, type Profile, type StackFrame } from '../../src/pprof';
import { goPprofOn } from '../support/go-pprof';
import { parseRaw, type RawProfile } from './go-raw';

const fr = (functionName: string, line: number, fileName = '/srv/app/lib.js'): StackFrame => ({ functionName, fileName, line, column: 7 });
const memStats = { Alloc: 1, TotalAlloc: 2, Sys: 3, Lookups: 0, Mallocs: 0, Frees: 0, HeapAlloc: 1, HeapSys: 4, HeapIdle: 3, HeapInuse: 1,
  HeapReleased: 0, HeapObjects: 0, StackInuse: 0, StackSys: 0, MSpanInuse: 0, MSpanSys: 0, MCacheInuse: 0, MCacheSys: 0, BuckHashSys: 0,
  GCSys: 0, OtherSys: 5, NextGC: 6, LastGC: 0, PauseNs: [10, 20], PauseEnd: [], NumGC: 2, NumForcedGC: 0, GCCPUFraction: 0.0125, DebugGC: false, MaxRSS: 7 };

function build(types: string[], rows: [StackFrame[], number[], { key: string; str: string }[]?][]): Profile {
  const b = new ProfileBuilder({ sampleTypes: types.map((t) => { const [type, unit] = t.split('/'); return { type, unit }; }) });
  for (const [stack, values, labels] of rows) b.addSample(stack, values, labels);
  return b.build();
}

/**
 * pprof's parse has exactly the expected samples: each with the given values and the location
 * addresses (hence stack depth) of sample `sample` of `p`, leaf first.
 */
function expectSamples(p: Profile, raw: RawProfile, expected: { values: number[]; sample: number }[]): void {
  const addr = new Map(p.locations.map((l) => [l.id, l.address]));
  const got = raw.samples.map((s) => ({ values: s.values, addresses: s.locationIds.map((id) => raw.locations.get(id)?.address) }));
  const want = expected.map((e) => ({ values: e.values, addresses: p.samples[e.sample].locationIds.map((id) => addr.get(id)) }));
  expect(want.every((w) => w.addresses.length > 0 && w.addresses.every((a) => typeof a === 'number'))).toBe(true);
  expect(got).toEqual(expect.arrayContaining(want));
  expect(got).toHaveLength(want.length);
}

describe('writeCountText', () => {
  const p = build(['goroutine/count'], [
    [[fr('serve', 10), fr('main', 2, '/srv/app/main.js')], [2], [{ key: 'user', str: '42' }, { key: 'handler', str: '/api "v1"' }]],
    [[fr('a.veryLongFunctionName', 3), fr('main', 2, '/srv/app/main.js')], [5]],
    [[fr('serve', 10), fr('main', 2, '/srv/app/main.js')], [2]],
    [[fr('idle', 1)], [2]],
  ]);
  const text = writeCountText(p, 'goroutine');

  it('writes Go printCountProfile text: header, sorted records, labels, tab-padded frames', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('goroutine profile: total 11');
    const records = lines.filter((l) => /^\d+ @/.test(l)).map((l) => Number(l.split(' ')[0]));
    expect(records).toEqual([5, 2, 2, 2]);
    const labelLine = lines.find((l) => l.startsWith('# labels: '));
    expect(labelLine).toBe('# labels: {"handler":"/api \\"v1\\"", "user":"42"}');
    // The labelled record follows its own @ line; same-count records are ordered by key.
    const at = lines.indexOf(labelLine as string);
    expect(lines[at - 1]).toMatch(/^2 @ 0x[0-9a-f]+ 0x[0-9a-f]+$/);
    for (const l of lines.filter((x) => x.startsWith('#\t'))) expect(l).toMatch(/^#\t0x[0-9a-f]+\t+\S+\+0x[0-9a-f]+\t+\S*:\d+$/);
    expect(text).toContain('#\t0x');
    expect(text).toMatch(/\tmain\+0x[0-9a-f]+\t\t\t\/srv\/app\/main\.js:2\n/); // padded to the long name's column
    expect(text.endsWith('\n\n')).toBe(true);
  });

  it('is parsed by go tool pprof -raw with the same counts and stack depths', async () => {
    const raw = parseRaw(await goPprofOn(text, ['-raw']));
    expect(raw.sampleTypes).toEqual(['goroutine/count']);
    // Labels are comments to pprof: the labelled and unlabelled records of one stack add up.
    expectSamples(p, raw, [{ values: [4], sample: 0 }, { values: [5], sample: 1 }, { values: [2], sample: 3 }]);
  });
});

describe('writeCountText with an empty stack', () => {
  it('writes one synthetic frame so pprof still parses the record', async () => {
    const p = build(['custom/count'], [[[], [3]]]);
    const text = writeCountText(p, 'example.com/custom');
    expect(text).toMatch(/^example\.com\/custom profile: total 3\n3 @ 0x[0-9a-f]+\n#\t0x[0-9a-f]+\tlostProfileEvent\+0x[0-9a-f]+\t:0\n\n$/);
    const raw = parseRaw(await goPprofOn(text, ['-raw']));
    expect(raw.sampleTypes).toEqual(['example.com/custom/count']);
    expect(raw.samples.map((s) => [s.values, s.locationIds.length])).toEqual([[[3], 1]]);
  });
});

describe('writeHeapText', () => {
  const p = build(['inuse_objects/count', 'inuse_space/bytes'], [
    [[fr('small', 3), fr('main', 1)], [4, 128]],
    [[fr('big', 8), fr('main', 1)], [1, 1 << 20]],
  ]);

  it('writes the heap header with heap/<2*rate>, the alloc bump, records by in-use bytes and the MemStats trailer', () => {
    const text = writeHeapText(p, { rate: 524288, memStats });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`heap profile: 5: ${128 + (1 << 20)} [5: ${128 + (1 << 20) + 1}] @ heap/1048576`);
    expect(lines[1]).toMatch(/^1: 1048576 \[1: 1048576\] @ 0x[0-9a-f]+ 0x[0-9a-f]+$/);
    expect(text).toContain('\n\n\n# runtime.MemStats\n# Alloc = 1\n# TotalAlloc = 2\n# Sys = 3\n');
    expect(text).toContain('\n# Stack = 0 / 0\n');
    expect(text).toContain(`\n# PauseNs = [10 20${' 0'.repeat(254)}]\n`);
    expect(text).toContain('\n# GCCPUFraction = 0.0125\n# DebugGC = false\n# MaxRSS = 7\n');
  });

  it('is parsed by go tool pprof -raw with the same values (rate 1: no re-scaling) and depths', async () => {
    const raw = parseRaw(await goPprofOn(writeHeapText(p, { rate: 1, memStats }), ['-raw']));
    expect(raw.sampleTypes).toEqual(['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes']);
    expectSamples(p, raw, [{ values: [4, 128, 4, 128], sample: 0 }, { values: [1, 1 << 20, 1, 1 << 20], sample: 1 }]);
  });

  it('with scaled values, pprof re-scaling reproduces them (within rounding)', async () => {
    const est = build(['inuse_objects/count', 'inuse_space/bytes'], [[[fr('obj', 1)], [16416, 16416 * 32]]]);
    const raw = parseRaw(await goPprofOn(writeHeapText(est, { rate: 16384, scaled: true, memStats }), ['-raw']));
    const [, , objs, bytes] = raw.samples[0].values;
    expect(Math.abs(objs - 16416) / 16416).toBeLessThan(0.01);
    expect(Math.abs(bytes - 16416 * 32) / (16416 * 32)).toBeLessThan(0.01);
  });

  it('fills the MemStats trailer from Node by default', () => {
    const text = writeHeapText(p);
    const value = (key: string) => Number((new RegExp(`\\n# ${key} = (\\d+)\\n`).exec(text) ?? [])[1]);
    expect(value('HeapAlloc')).toBeGreaterThan(0);
    expect(value('HeapSys')).toBeGreaterThanOrEqual(value('HeapAlloc'));
    expect(value('Sys')).toBeGreaterThan(0); // RSS
    expect(value('MaxRSS')).toBeGreaterThanOrEqual(value('Sys') / 2);
  });

  it('rejects a profile without a bytes sample type', () => {
    expect(() => writeHeapText(build(['goroutine/count'], []), { memStats })).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG' }));
  });
});

describe('writeContentionText', () => {
  const p = build(['contentions/count', 'delay/nanoseconds'], [
    [[fr('lockA', 3), fr('main', 1)], [2, 5000]],
    [[fr('lockB', 4)], [3, 9000]],
  ]);

  it.each(['contention', 'mutex'] as const)('writes --- %s: with cycles/second=1e9, sorted by cycles', (kind) => {
    const lines = writeContentionText(p, kind, { samplingPeriod: 5 }).split('\n');
    expect(lines[0]).toBe(`--- ${kind}:`);
    expect(lines[1]).toBe('cycles/second=1000000000');
    const rest = kind === 'mutex' ? (expect(lines[2]).toBe('sampling period=5'), lines.slice(3)) : lines.slice(2);
    expect(rest.filter((l) => / @ /.test(l)).map((l) => l.split(' @')[0])).toEqual(['9000 3', '5000 2']);
  });

  it.each(['contention', 'mutex'] as const)('--- %s: is parsed by go tool pprof -raw with the same counts and delays', async (kind) => {
    const raw = parseRaw(await goPprofOn(writeContentionText(p, kind), ['-raw']));
    expect(raw.sampleTypes).toEqual(['contentions/count', 'delay/nanoseconds']);
    expectSamples(p, raw, [{ values: [2, 5000], sample: 0 }, { values: [3, 9000], sample: 1 }]);
  });

  it('divides scaled values by the sampling period, which pprof multiplies back', async () => {
    const raw = parseRaw(await goPprofOn(writeContentionText(p, 'mutex', { samplingPeriod: 10, scaled: true }), ['-raw']));
    // 5000/10 and 2/10 are written (0 after rounding for the count), then multiplied by 10 again.
    expect(raw.samples.map((s) => s.values)).toEqual(expect.arrayContaining([[0, 5000], [0, 9000]]));
  });
});
