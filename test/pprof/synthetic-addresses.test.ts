import { ProfileBuilder, SyntheticAddresses, nowNanos, syntheticAddresses } from '../../src/pprof';

describe('SyntheticAddresses', () => {
  it('gives each distinct frame a stable address that resolves to its function, also at address-1 and +1', () => {
    const t = new SyntheticAddresses();
    const a = t.addressOf('handle', '/a.js', 0, 10, 1);
    const b = t.addressOf('handle', '/a.js', 0, 11, 1);
    const c = t.addressOf('other', '/a.js', 0, 10, 1);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(t.addressOf('handle', '/a.js', 0, 10, 1)).toBe(a);
    for (const addr of [a - 1, a, a + 1, b]) expect(t.resolve(addr)).toBe('handle');
    expect(t.resolve(c + 1)).toBe('other');
    expect(t.resolve(1)).toBeUndefined();
    expect(t.resolve(c + 0x100000)).toBeUndefined();
    expect(t.size).toBe(3);
  });

  it('keeps resolving when one function has more frames than a region holds', () => {
    const t = new SyntheticAddresses();
    const addrs = Array.from({ length: 600 }, (_, i) => t.addressOf('big', '/b.js', 0, i + 1, 0));
    t.addressOf('after', '/b.js', 0, 1, 0);
    expect(new Set(addrs).size).toBe(600);
    expect(addrs.every((x) => t.resolve(x) === 'big' && t.resolve(x + 1) === 'big')).toBe(true);
    expect(addrs.every((x) => (t.entryOf(x) as number) < x)).toBe(true);
  });

  it('is the table the builder uses, shared across builders', () => {
    const frame = { functionName: 'sharedFn', fileName: '/s.js', line: 4, column: 2 };
    const p1 = new ProfileBuilder({ sampleTypes: [{ type: 'x', unit: 'count' }] });
    p1.addSample([frame], [1]);
    const p2 = new ProfileBuilder({ sampleTypes: [{ type: 'x', unit: 'count' }] });
    p2.addSample([{ ...frame }], [1]);
    const addr = p1.build().locations[0].address;
    expect(p2.build().locations[0].address).toBe(addr);
    expect(syntheticAddresses.resolve(addr)).toBe('sharedFn');
  });
});

describe('nowNanos', () => {
  it('is epoch nanoseconds close to Date.now() and does not go backwards between calls', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const a = nowNanos();
    const b = nowNanos();
    const after = BigInt(Date.now()) * 1_000_000n;
    expect(a).toBeGreaterThanOrEqual(before - 5_000_000n);
    expect(b).toBeLessThanOrEqual(after + 6_000_000n);
    expect(b).toBeGreaterThanOrEqual(a);
    expect(typeof a).toBe('bigint');
  });
});
