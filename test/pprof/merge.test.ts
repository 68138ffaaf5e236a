import { ProfileBuilder, decode, delta, encode, merge, scale, type Label, type Profile, type StackFrame, type ValueType } from '../../src/pprof';
import { pfView } from './pprof-format-view';

const fr = (functionName: string, line = 1): StackFrame => ({ functionName, fileName: '/app/m.js', line, column: 1 });
const heapTypes: ValueType[] = [{ type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' }];
const space: ValueType = { type: 'space', unit: 'bytes' };

function profile(rows: [string[], number[], Label[]?][], opts: { timeNanos?: bigint; types?: ValueType[]; periodType?: ValueType; durationNanos?: number; comments?: string[] } = {}): Profile {
  const b = new ProfileBuilder({ sampleTypes: opts.types ?? heapTypes, periodType: opts.periodType ?? space, period: 524288, timeNanos: opts.timeNanos ?? 1000n, durationNanos: opts.durationNanos, comments: opts.comments });
  for (const [names, values, labels] of rows) b.addSample(names.map((n) => fr(n)), values, labels);
  return b.build();
}

/** Samples as `stack|labels => values`, through the independent decoder (stack = function names). */
function view(p: Profile): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const s of pfView(encode(p)).samples) out[`${s.frames.map((f) => f.split(' ')[0]).join('<')}|${s.labels.join(',')}`] = s.values;
  return out;
}

describe('merge', () => {
  it.each([
    ['same stack and labels are summed', [[['a', 'main'], [1, 10]]], [[['a', 'main'], [2, 20]]], { 'a<main|': [3, 30] }],
    ['different labels stay apart', [[['a'], [1, 10], [{ key: 'k', str: '1' }]]], [[['a'], [2, 20], [{ key: 'k', str: '2' }]]], { 'a|k=1': [1, 10], 'a|k=2': [2, 20] }],
    ['label order does not matter', [[['a'], [1, 1], [{ key: 'x', str: '1' }, { key: 'y', str: '2' }]]], [[['a'], [1, 1], [{ key: 'y', str: '2' }, { key: 'x', str: '1' }]]], { 'a|x=1,y=2': [2, 2] }],
    ['label sets that spell the same with separators stay apart', [[['a'], [1, 1], [{ key: 'a', str: 'x\u0001y\u0000sz' }]]], [[['a'], [2, 2], [{ key: 'a', str: 'x' }, { key: 'y', str: 'z' }]]], { 'a|a=x\u0001y\u0000sz': [1, 1], 'a|a=x,y=z': [2, 2] }],
    ['zero samples are dropped', [[['a'], [0, 0]], [['b'], [1, 1]]], [[['a'], [0, 0]]], { 'b|': [1, 1] }],
    ['samples cancelling out are dropped', [[['a'], [1, 5]], [['b'], [1, 1]]], [[['a'], [-1, -5]]], { 'b|': [1, 1] }],
    ['negative values are kept', [[['a'], [1, 5]]], [[['a'], [-2, -6]]], { 'a|': [-1, -1] }],
  ] as [string, [string[], number[], Label[]?][], [string[], number[], Label[]?][], Record<string, number[]>][])('%s', (_name, a, b, expected) => {
    expect(view(merge([profile(a), profile(b)]))).toEqual(expected);
  });

  it('unifies functions and locations by content and combines the header like Go', () => {
    const m = merge([
      profile([[['a', 'main'], [1, 1]]], { timeNanos: 3000n, durationNanos: 5, comments: ['x'] }),
      profile([[['b', 'main'], [1, 1]]], { timeNanos: 2000n, durationNanos: 7, comments: ['x', 'y'] }),
    ]);
    expect(m.functions.map((f) => f.name)).toEqual(['a', 'main', 'b']);
    expect(m.locations).toHaveLength(3);
    expect(m.timeNanos).toBe(2000n);
    expect(m.durationNanos).toBe(12);
    expect(m.comments).toEqual(['x', 'y']);
    expect(decode(encode(m))).toEqual(m);
  });

  it.each([
    ['different sample types', { types: [{ type: 'alloc_space', unit: 'bytes' }] }, 'incompatible sample types [inuse_objects/count inuse_space/bytes] and [alloc_space/bytes]'],
    ['different period types', { periodType: { type: 'cpu', unit: 'nanoseconds' } }, 'incompatible period types space/bytes and cpu/nanoseconds'],
  ])('rejects %s with PPROF_ERR_INCOMPATIBLE_PROFILES', (_name, opts, message) => {
    const other = profile([], opts as never);
    expect(() => merge([profile([]), other])).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INCOMPATIBLE_PROFILES', message }));
    expect(() => delta(profile([]), other)).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INCOMPATIBLE_PROFILES', message }));
  });

  it('rejects an empty list', () => {
    expect(() => merge([])).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message: 'merge: no profiles to merge' }));
  });
});

describe('delta', () => {
  it('subtracts before from after, drops unchanged samples, keeps negatives, sets time and duration', () => {
    const before = profile([[['grow'], [1, 100]], [['same'], [2, 200]], [['freed'], [5, 500]]], { timeNanos: 1_000_000_000n });
    const after = profile([[['grow'], [3, 300]], [['same'], [2, 200]], [['freed'], [1, 100]], [['new'], [1, 1]]], { timeNanos: 31_000_000_000n });
    const d = delta(before, after);
    expect(view(d)).toEqual({ 'grow|': [2, 200], 'freed|': [-4, -400], 'new|': [1, 1] });
    expect(d.timeNanos).toBe(31_000_000_000n);
    expect(d.durationNanos).toBe(30_000_000_000);
    expect(before.samples.map((s) => s.values)).toEqual([[1, 100], [2, 200], [5, 500]]); // inputs untouched
  });
});

describe('scale', () => {
  it.each([
    [2, [[2, 20], [0, 2]]],
    [-1, [[-1, -10], [0, -1]]],
    [0.5, [[1, 5], [0, 1]]], // 0.5 rounds away from zero, as Go's math.Round
    [0.1, [[0, 1]]], // [0.1, 0.1] rounds to zero: dropped
  ])('by %d', (factor, expected) => {
    const p = profile([[['a'], [1, 10]], [['b'], [0, 1]]]);
    expect(scale(p, factor).samples.map((s) => s.values)).toEqual(expected);
  });

  it.each([NaN, Infinity])('rejects factor %d', (factor) => {
    expect(() => scale(profile([]), factor)).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG' }));
  });
});
