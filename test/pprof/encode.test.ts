import { gunzipSync } from 'node:zlib';
import { Function as PfFunction, Label as PfLabel, Line as PfLine, Location as PfLocation, Profile as PfProfile, Sample as PfSample, StringTable, ValueType as PfValueType } from 'pprof-format';
import { ProfileBuilder, decode, encode, encodeGzip, type Profile, type StackFrame } from '../../src/pprof';
import { pfView } from './pprof-format-view';

const f = (functionName: string, line: number, column = 4, fileName = '/app/server.js'): StackFrame => ({ functionName, fileName, line, column });

function sampleProfile(): Profile {
  const b = new ProfileBuilder({
    sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
    periodType: { type: 'cpu', unit: 'nanoseconds' }, period: 10_000_000,
    timeNanos: 1_763_790_000_123_456_789n, durationNanos: 10_000_000_000, defaultSampleType: 'cpu', comments: ['hello', 'wörld'],
  });
  b.addSample([f('handle', 10), f('main', 2)], [3, 30_000_000], [{ key: 'span_id', str: 'abc' }]);
  b.addSample([f('parse', 7), f('handle', 11), f('main', 2)], [1, 10_000_000_000], [{ key: 'bytes', num: 512, numUnit: 'bytes' }]);
  b.addSample([f('', 99), f('main', 2)], [2, 5_000_000_000]);
  b.addSample([f('neg', 1)], [-5, -7_000_000_000]); // negative values (delta profiles)
  return b.build();
}

describe('encode', () => {
  it('is decoded by pprof-format with the same samples, labels, strings and header', () => {
    const p = sampleProfile();
    const v = pfView(encode(p));
    expect(v.strings[0]).toBe('');
    expect(new Set(v.strings).size).toBe(v.strings.length); // deduplicated
    expect(v.sampleTypes).toEqual(['samples/count', 'cpu/nanoseconds']);
    expect(v.periodType).toBe('cpu/nanoseconds');
    expect(v.period).toBe(10_000_000);
    expect(v.timeNanos).toBe(1_763_790_000_123_456_789n);
    expect(v.durationNanos).toBe(10_000_000_000);
    expect(v.defaultSampleType).toBe('cpu');
    expect(v.comments).toEqual(['hello', 'wörld']);
    expect(v.samples).toEqual([
      { frames: ['handle /app/server.js:10:4', 'main /app/server.js:2:4'], values: [3, 30_000_000], labels: ['span_id=abc'] },
      { frames: ['parse /app/server.js:7:4', 'handle /app/server.js:11:4', 'main /app/server.js:2:4'], values: [1, 10_000_000_000], labels: ['bytes=512 bytes'] },
      { frames: ['(anonymous:server.js:99) /app/server.js:99:4', 'main /app/server.js:2:4'], values: [2, 5_000_000_000], labels: [] },
      { frames: ['neg /app/server.js:1:4'], values: [-5, -7_000_000_000], labels: [] },
    ]);
  });

  it('round-trips through our decode, raw and gzipped', async () => {
    const p = sampleProfile();
    expect(decode(encode(p))).toEqual(p);
    const gz = await encodeGzip(p);
    expect(gz[0]).toBe(0x1f);
    expect(gunzipSync(gz)).toEqual(Buffer.from(encode(p)));
    expect(decode(gz)).toEqual(p);
  });

  it('round-trips a label with an empty string value (written as its key only, as Go writes pprof.Labels("k", ""))', () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'goroutine', unit: 'count' }], keepEmptyLabels: true, timeNanos: 1n });
    b.addSample([{ functionName: 'park', fileName: '/srv/p.js', line: 1, column: 1 }], [1], [{ key: 'k', str: '' }, { key: 'n', num: 3, numUnit: 'requests' }]);
    const p = b.build();
    expect(p.samples[0].labels).toEqual([{ key: 'k', str: '' }, { key: 'n', num: 3, numUnit: 'requests' }]);
    expect(decode(encode(p))).toEqual(p);
  });
});

describe('decode', () => {
  it('reads a profile encoded by pprof-format', () => {
    const st = new StringTable();
    const pf = new PfProfile({
      stringTable: st,
      sampleType: [new PfValueType({ type: st.dedup('alloc_space'), unit: st.dedup('bytes') })],
      periodType: new PfValueType({ type: st.dedup('space'), unit: st.dedup('bytes') }),
      period: 524288,
      timeNanos: 42n,
      function: [new PfFunction({ id: 1, name: st.dedup('alloc'), systemName: st.dedup('alloc'), filename: st.dedup('/x.js'), startLine: 3 })],
      location: [new PfLocation({ id: 1, address: 0x1234, line: [new PfLine({ functionId: 1, line: 5 })] })],
      sample: [new PfSample({ locationId: [1], value: [4096], label: [new PfLabel({ key: st.dedup('k'), str: st.dedup('v') })] })],
    });
    const p = decode(pf.encode());
    expect(p.sampleTypes).toEqual([{ type: 'alloc_space', unit: 'bytes' }]);
    expect(p.periodType).toEqual({ type: 'space', unit: 'bytes' });
    expect(p.period).toBe(524288);
    expect(p.timeNanos).toBe(42n);
    expect(p.functions).toEqual([{ id: 1, name: 'alloc', systemName: 'alloc', filename: '/x.js', startLine: 3 }]);
    expect(p.locations).toEqual([{ id: 1, mappingId: 0, address: 0x1234, lines: [{ functionId: 1, line: 5, column: 0 }], isFolded: false }]);
    expect(p.samples).toEqual([{ locationIds: [1], values: [4096], labels: [{ key: 'k', str: 'v' }] }]);
  });

  it.each([
    ['empty input', new Uint8Array(0), 'decode: empty input file'],
    ['random bytes', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), 'decode: not a pprof profile'],
    ['text', new TextEncoder().encode('goroutine profile: total 1\n1 @ 0x1\n'), 'decode: not a pprof profile'],
    ['corrupt gzip', Uint8Array.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6]), 'decode: invalid gzip data'],
    ['string index out of range', Uint8Array.from([0x0a, 0x02, 0x08, 0x05, 0x32, 0x00]), 'decode: malformed profile format'],
    ['string_table[0] not empty', Uint8Array.from([0x32, 0x01, 0x41]), "decode: malformed profile: string_table[0] must be ''"],
  ])('rejects %s with PPROF_ERR_DECODE', (_name, bytes, message) => {
    let err: unknown;
    try {
      decode(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'PPROF_ERR_DECODE', name: 'ProfileDecodeError' });
    expect((err as Error).message).toContain(message);
  });
});
