import { ProfileBuilder, type StackFrame } from '../../src/pprof';

const f = (functionName: string, line: number, fileName = '/app/a.js', column = 1, startLine?: number): StackFrame =>
  ({ functionName, fileName, line, column, startLine });

const cpuTypes = [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }];

describe('ProfileBuilder', () => {
  it('dedups functions by name+file+startLine and locations by function+line+column', () => {
    const b = new ProfileBuilder({ sampleTypes: cpuTypes, timeNanos: 1n });
    b.addSample([f('leaf', 10), f('main', 3)], [1, 10]);
    b.addSample([f('leaf', 11), f('main', 3)], [1, 10]); // same function, other line
    b.addSample([f('leaf', 10, '/app/a.js', 5), f('main', 3)], [1, 10]); // other column
    b.addSample([f('leaf', 10, '/app/b.js'), f('main', 3)], [1, 10]); // same name, other file
    b.addSample([f('leaf', 10, '/app/a.js', 1, 7)], [1, 10]); // other start line
    const p = b.build();
    expect(p.functions.map((fn) => `${fn.name}@${fn.filename}:${fn.startLine}`)).toEqual([
      'leaf@/app/a.js:0', 'main@/app/a.js:0', 'leaf@/app/b.js:0', 'leaf@/app/a.js:7',
    ]);
    expect(p.locations).toHaveLength(6);
    expect(new Set(p.locations.map((l) => l.id)).size).toBe(6);
    expect(new Set(p.locations.map((l) => l.address)).size).toBe(6);
    expect(p.locations.every((l) => l.id > 0 && l.address > 0)).toBe(true);
    expect(p.samples).toHaveLength(5);
  });

  it('merges equal stacks with equal label sets regardless of label order, and sums values', () => {
    const b = new ProfileBuilder({ sampleTypes: cpuTypes });
    const stack = [f('a', 1), f('b', 2)];
    b.addSample(stack, [1, 100], [{ key: 'x', str: '1' }, { key: 'y', str: '2' }]);
    b.addSample([f('a', 1), f('b', 2)], [2, 200], [{ key: 'y', str: '2' }, { key: 'x', str: '1' }]);
    b.addSample(stack, [4, 400], [{ key: 'x', str: '1' }]);
    b.addSample(stack, [8, 800]);
    b.addSample(stack, [16, 1600], [{ key: 'bytes', num: 64, numUnit: 'bytes' }]);
    b.addSample(stack, [32, 3200], [{ key: 'bytes', num: 64 }]); // no unit: a different label
    const p = b.build();
    expect(p.samples.map((s) => s.values)).toEqual([[3, 300], [4, 400], [8, 800], [16, 1600], [32, 3200]]);
    expect(p.samples[0].labels).toEqual([{ key: 'x', str: '1' }, { key: 'y', str: '2' }]);
    expect(p.samples[3].labels).toEqual([{ key: 'bytes', num: 64, numUnit: 'bytes' }]);
  });

  it('keeps label sets apart whose parts would spell the same with separators (values may hold any character)', () => {
    const b = new ProfileBuilder({ sampleTypes: cpuTypes });
    const stack = [f('a', 1)];
    b.addSample(stack, [1, 1], [{ key: 'a', str: 'x\u0001b\u0000sy' }]);
    b.addSample(stack, [2, 2], [{ key: 'a', str: 'x' }, { key: 'b', str: 'y' }]);
    expect(b.build().samples.map((s) => s.values)).toEqual([[1, 1], [2, 2]]);
  });

  it('merges a reused stack array and an equal fresh one into one sample', () => {
    const b = new ProfileBuilder({ sampleTypes: cpuTypes });
    const stack = [f('a', 1), f('b', 2)];
    b.addSample(stack, [1, 1]);
    b.addSample(stack, [1, 1]);
    b.addSample([f('a', 1), f('b', 2)], [1, 1]);
    b.addSample([f('a', 1)], [1, 1]); // a prefix is another stack
    b.addSample([], [1, 1]); // so is the empty stack
    expect(b.build().samples.map((s) => [s.locationIds.length, s.values[0]])).toEqual([[2, 3], [1, 1], [0, 1]]);
  });

  it('never keeps an empty-string label value', () => {
    const b = new ProfileBuilder({ sampleTypes: cpuTypes });
    b.addSample([f('a', 1)], [1, 1], [{ key: 'empty', str: '' }, { key: 'ok', str: 'v' }]);
    b.addSample([f('a', 1)], [1, 1], [{ key: 'ok', str: 'v' }]);
    b.addSample([f('a', 1)], [1, 1], [{ key: 'empty', str: '' }]);
    const p = b.build();
    expect(p.samples).toHaveLength(2);
    expect(p.samples[0]).toMatchObject({ values: [2, 2], labels: [{ key: 'ok', str: 'v' }] });
    expect(p.samples[1]).toMatchObject({ values: [1, 1], labels: [] });
  });

  it('gives anonymous functions a readable name', () => {
    const b = new ProfileBuilder({ sampleTypes: cpuTypes });
    b.addSample([f('', 12, '/srv/app/handler.js'), f('', 3, '/srv/app/x.js', 1, 2), f('', 0, '')], [1, 1]);
    expect(b.build().functions.map((fn) => fn.name)).toEqual([
      '(anonymous:handler.js:12)', '(anonymous:x.js:2)', '(anonymous)',
    ]);
  });

  it('builds the same profile for the same calls (deterministic), with the header options', () => {
    const run = () => {
      const b = new ProfileBuilder({
        sampleTypes: cpuTypes, periodType: { type: 'cpu', unit: 'nanoseconds' }, period: 10_000_000,
        timeNanos: 123n, durationNanos: 5, defaultSampleType: 'cpu', comments: ['c1'],
      });
      for (let i = 0; i < 50; i++) b.addSample([f(`fn${i % 7}`, i % 3), f('main', 1)], [1, i], i % 2 ? [{ key: 'k', str: `${i % 4}` }] : undefined);
      return b.build();
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a).toMatchObject({ timeNanos: 123n, durationNanos: 5, period: 10_000_000, defaultSampleType: 'cpu', comments: ['c1'] });
  });

  it.each([
    [[1], 'ProfileBuilder.addSample: got 1 values, want 2 (one per sample type)'],
    [[1, 2, 3], 'ProfileBuilder.addSample: got 3 values, want 2 (one per sample type)'],
  ])('rejects %j values with a coded error', (values, message) => {
    const b = new ProfileBuilder({ sampleTypes: cpuTypes });
    expect(() => b.addSample([f('a', 1)], values)).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message }));
  });

  it('rejects an empty sampleTypes list', () => {
    expect(() => new ProfileBuilder({ sampleTypes: [] })).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG' }));
  });
});
