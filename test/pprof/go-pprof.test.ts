import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ProfileBuilder, decode, encode, encodeGzip, writeCountText, type StackFrame } from '../../src/pprof';
import { goPprofOn, runGoPprof, writeTempFile } from '../support/go-pprof';
import { parseRaw } from './go-raw';

const fr = (functionName: string, fileName: string, line: number): StackFrame => ({ functionName, fileName, line, column: 3 });

async function cpuProfile(): Promise<Uint8Array> {
  const b = new ProfileBuilder({
    sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
    periodType: { type: 'cpu', unit: 'nanoseconds' }, period: 10_000_000, durationNanos: 1e9,
  });
  b.addSample([fr('parseRequest', '/srv/app/http.js', 41), fr('handle', '/srv/app/http.js', 12), fr('main', '/srv/app/main.js', 3)],
    [3, 30_000_000], [{ key: 'span_name', str: 'GET /users' }, { key: 'user', str: 'u-1' }]);
  b.addSample([fr('', '/srv/app/cb.js', 7), fr('main', '/srv/app/main.js', 3)], [1, 10_000_000], [{ key: 'span_name', str: 'GET /users' }]);
  b.addSample([fr('allocBuffer', '/srv/app/buf.js', 9)], [2, 20_000_000], [{ key: 'bytes', num: 4096, numUnit: 'bytes' }]);
  return encodeGzip(b.build());
}

describe('go tool pprof reads encoded profiles', () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = await cpuProfile();
  });

  it('-raw shows sample types, values, function names with file:line, and labels', async () => {
    const out = await goPprofOn(bytes, ['-raw']);
    const raw = parseRaw(out);
    expect(raw.sampleTypes).toEqual(['samples/count', 'cpu/nanoseconds']);
    expect(raw.samples.map((s) => s.values)).toEqual([[3, 30_000_000], [1, 10_000_000], [2, 20_000_000]]);
    const frames = (i: number) => raw.samples[i].locationIds.map((id) => raw.locations.get(id)?.text.replace(/ s=\d+$/, ''));
    expect(frames(0)).toEqual(['parseRequest /srv/app/http.js:41', 'handle /srv/app/http.js:12', 'main /srv/app/main.js:3']);
    expect(frames(1)).toEqual(['(anonymous:cb.js:7) /srv/app/cb.js:7', 'main /srv/app/main.js:3']);
    expect(raw.samples[0].labels).toBe('span_name:[GET /users] user:[u-1]');
    expect(raw.samples[2].labels).toBe('bytes:[4096 bytes]');
    expect(out).toContain('PeriodType: cpu nanoseconds');
    expect(out).toContain('Period: 10000000');
  });

  it('-top lists the functions with their flat cpu time', async () => {
    const out = await goPprofOn(bytes, ['-top', '-nodecount=10']);
    expect(out).toMatch(/Duration: 1s, Total samples = 60ms/);
    expect(out).toMatch(/30ms\s+50\.00%\s+50\.00%\s+30ms\s+50\.00%\s+parseRequest/);
    expect(out).toMatch(/20ms\s+33\.33%\s+83\.33%\s+20ms\s+33\.33%\s+allocBuffer/);
    expect(out).toMatch(/0\s+0%\s+100%\s+40ms\s+66\.67%\s+main/);
  });

  it('-tags sums values per label value', async () => {
    const out = await goPprofOn(bytes, ['-tags']);
    expect(out).toMatch(/span_name: Total 40.0ms\s+40.0ms \(  100%\): GET \/users/);
    expect(out).toMatch(/user: Total 30.0ms\s+30.0ms \(  100%\): u-1/);
    expect(out).toMatch(/bytes: Total 20.0ms\s+20.0ms \(  100%\): 4kB/);
  });

  it('-lines granularity shows file:line', async () => {
    const out = await goPprofOn(bytes, ['-top', '-lines']);
    expect(out).toMatch(/parseRequest \/srv\/app\/http\.js:41/);
  });

  it('our decode reads the proto Go writes (go tool pprof -proto), with the names and values we wrote', async () => {
    const input = writeTempFile(bytes);
    const output = join(dirname(input), 'out.pb.gz');
    const res = await runGoPprof(['-proto', `-output=${output}`, input]);
    expect(res.code).toBe(0);
    const p = decode(readFileSync(output));
    expect(p.sampleTypes).toEqual([{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }]);
    const fn = new Map(p.functions.map((f) => [f.id, f.name]));
    const loc = new Map(p.locations.map((l) => [l.id, l.lines.map((ln) => fn.get(ln.functionId)).join('/')]));
    const samples = p.samples.map((s) => `${s.locationIds.map((id) => loc.get(id)).join('<')} ${s.values.join(',')}`).sort();
    expect(samples).toEqual(['(anonymous:cb.js:7)<main 1,10000000', 'allocBuffer 2,20000000', 'parseRequest<handle<main 3,30000000']);
    expect(p.samples.find((s) => s.values[0] === 2)?.labels).toEqual([{ key: 'bytes', num: 4096, numUnit: 'bytes' }]);
  });

  it('Go converts our legacy count text into a proto our decode reads', async () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'goroutine', unit: 'count' }] });
    b.addSample([fr('wait', '/srv/w.js', 2), fr('main', '/srv/m.js', 1)], [7]);
    const input = writeTempFile(writeCountText(b.build(), 'goroutine'), 'goroutine.txt');
    const output = join(dirname(input), 'out.pb.gz');
    expect((await runGoPprof(['-proto', `-output=${output}`, input])).code).toBe(0);
    const p = decode(readFileSync(output));
    expect(p.sampleTypes).toEqual([{ type: 'goroutine', unit: 'count' }]);
    expect(p.samples.map((s) => [s.values, s.locationIds.length])).toEqual([[[7], 2]]);
  });

  it("a Go-written profile keeps its mappings through our decode and encode (pprof's fake mapping ends at 2^64-1)", async () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'goroutine', unit: 'count' }] });
    b.addSample([fr('wait', '/srv/w.js', 2)], [1]);
    const input = writeTempFile(writeCountText(b.build(), 'goroutine'), 'goroutine.txt');
    const output = join(dirname(input), 'out.pb.gz');
    expect((await runGoPprof(['-proto', `-output=${output}`, input])).code).toBe(0);
    const mappings = (out: string): string => out.slice(out.indexOf('\nMappings\n'));
    const fromGo = mappings(await goPprofOn(readFileSync(output), ['-raw']));
    expect(fromGo).toContain('0xffffffffffffffff');
    expect(mappings(await goPprofOn(encode(decode(readFileSync(output))), ['-raw']))).toBe(fromGo);
  });
});
