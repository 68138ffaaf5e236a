/**
 * Frames of TypeScript compiled by `tsc` (with `--sourceMap` and with `--inlineSourceMap`) show
 * the original .ts file and line in CPU profiles, on both backends.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Profile, StackFrame } from '../../src/pprof/model';
import { disableGoroutineStacks, enableGoroutineStacks, lookup, Mutex, newProfile, setMutexProfileFraction, startCPUProfile, stopCPUProfile } from '../../src';
import { goPprofOn } from '../support/go-pprof';
import { decodeIndependent, sink } from './helpers';
import { mapFrame, prepareSourceMaps } from '../../src/sampler/source-maps';
import { internFrame } from '../../src/sampler/frames';

// Line numbers matter: TS_HEADER takes lines 1-4, then each function takes 4 lines.
const TS_HEADER = `// A file compiled by tsc in the test.
interface Options {
  ms: number;
}
`;
const tsFunction = (name: string): string => `export function ${name}(opts: Options): number {
  const end: number = Date.now() + opts.ms; let x = 0;
  while (Date.now() < end) { x += Math.sqrt(x + 1); } return x;
}
`;
// A minimal standard library so tsc does not spend half a minute loading lib.es*.d.ts on a busy machine.
const MINI_LIB = `interface Array<T> { length: number; [n: number]: T } interface Boolean {} interface CallableFunction {}
interface Function {} interface IArguments {} interface NewableFunction {} interface Number {} interface Object {}
interface RegExp {} interface String {}
declare const Date: { now(): number }; declare const Math: { sqrt(x: number): number };
`;
const BACKENDS = ['native', 'inspector'] as const;
const FLAGS = ['--sourceMap', '--inlineSourceMap'] as const;
const fnName = (backend: string, flag: string): string => `mapped_${backend}_${flag.slice(2)}`;
const compiled = new Map<string, { js: string; ts: string }>();

/** Compiles one .ts file holding one function per backend with `tsc <flag>`; returns the paths. */
function compile(flag: (typeof FLAGS)[number]): void {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-srcmap-'));
  const ts = join(dir, `mapped-${flag.slice(2)}.ts`);
  writeFileSync(ts, TS_HEADER + BACKENDS.map((b) => tsFunction(fnName(b, flag))).join(''));
  writeFileSync(join(dir, 'mini-lib.d.ts'), MINI_LIB);
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), flag, '--noLib', '--target', 'ES2022', '--module', 'commonjs',
    '--outDir', join(dir, 'out'), '--rootDir', dir, ts, join(dir, 'mini-lib.d.ts')], { stdio: 'pipe', cwd: dir });
  compiled.set(flag, { js: join(dir, 'out', `mapped-${flag.slice(2)}.js`), ts });
}

beforeAll(() => {
  for (const f of FLAGS) compile(f);
});

describe.each(BACKENDS)('%s backend', (backend) => {
  test.each(FLAGS)('tsc %s: frames show the .ts file and line', async (flag) => {
    const name = fnName(backend, flag);
    const { js, ts } = compiled.get(flag) as { js: string; ts: string };
    if (flag === '--inlineSourceMap') expect(readFileSync(js, 'utf8')).toContain('sourceMappingURL=data:application/json;base64,');
    else expect(readFileSync(js, 'utf8')).toContain(`sourceMappingURL=mapped-sourceMap.js.map`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(js) as Record<string, (o: { ms: number }) => number>;
    const out = sink();
    startCPUProfile(out.stream, { backend });
    mod[name]({ ms: 400 });
    await stopCPUProfile();
    const p = decodeIndependent(out.bytes());
    const leafs = p.samples.filter((s) => s.functions[0] === name);
    expect(leafs.length).toBeGreaterThan(0);
    const first = 5 + BACKENDS.indexOf(backend) * 4;
    for (const s of leafs) {
      expect(s.files[0]).toBe(ts);
      // The function's lines in the .ts file (the .js file numbers its lines differently).
      expect(s.lines[0]).toBeGreaterThanOrEqual(first);
      expect(s.lines[0]).toBeLessThanOrEqual(first + 3);
    }
    const listing = await goPprofOn(out.bytes(), ['-top', '-filefunctions']);
    expect(listing).toContain(`${name} ${ts}`);
  });
});

describe('files larger than the 64 KiB tail read for the sourceMappingURL comment', () => {
  // 80 KiB of comment lines before the function: the .js file is larger than the tail.
  const PADDING = Array.from({ length: 2000 }, (_, i) => `// padding line ${i} ${'x'.repeat(30)}`).join('\n') + '\n';
  const PAD_LINES = 2000;

  /** Compiles one large .ts file with `flags`; returns the .js path, the .ts path and the function's .js position. */
  function compileLarge(flags: string[], name: string): { js: string; ts: string; line: number; column: number } {
    const dir = mkdtempSync(join(tmpdir(), 'otelprof-srcmap-large-'));
    const ts = join(dir, `${name}.ts`);
    writeFileSync(ts, TS_HEADER + PADDING + tsFunction(name));
    writeFileSync(join(dir, 'mini-lib.d.ts'), MINI_LIB);
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...flags, '--noLib', '--target', 'ES2022', '--module', 'commonjs',
      '--outDir', join(dir, 'out'), '--rootDir', dir, ts, join(dir, 'mini-lib.d.ts')], { stdio: 'pipe', cwd: dir });
    const js = join(dir, 'out', `${name}.js`);
    const lines = readFileSync(js, 'utf8').split('\n');
    const idx = lines.findIndex((l) => l.includes(`function ${name}(`));
    return { js, ts, line: idx + 1, column: lines[idx].indexOf('function') + 1 };
  }

  test.each([
    ['--sourceMap', ['--sourceMap']],
    // --inlineSources puts the 80 KiB source into the map: the data: URL line is longer than the tail.
    ['--inlineSourceMap --inlineSources', ['--inlineSourceMap', '--inlineSources']],
  ])('tsc %s: the frame maps to the .ts function', async (_label, flags) => {
    const name = `large_${flags.length}`;
    const { js, ts, line, column } = compileLarge(flags, name);
    const text = readFileSync(js, 'utf8');
    expect(text.length).toBeGreaterThan(64 * 1024);
    if (flags.includes('--inlineSources')) expect(text.length - text.lastIndexOf('\n', text.length - 2)).toBeGreaterThan(64 * 1024);
    await prepareSourceMaps([js]);
    const mapped = mapFrame({ functionName: name, fileName: js, line, column });
    expect(mapped.fileName).toBe(ts);
    // TS_HEADER (4 lines) + padding, then the function's first line.
    expect(mapped.line).toBe(4 + PAD_LINES + 1);
  });
});

test('a map source that is not a local file URL is kept as written; a malformed file URL does not break frames', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-srcmap-remote-'));
  const js = join(dir, 'remote.js');
  // One mapping: generated line 1, column 0 -> source 0, line 1, column 0.
  const map = { version: 3, file: 'remote.js', sources: ['file://build-host/src/remote.ts'], names: [], mappings: 'AAAA' };
  writeFileSync(js, `function remote() { return 1; }\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`);
  await prepareSourceMaps([js]);
  const mapped = mapFrame({ functionName: 'remote', fileName: js, line: 1, column: 1 });
  expect(mapped).toMatchObject({ fileName: 'file://build-host/src/remote.ts', line: 1 });
  expect(internFrame('vmScript', 'file:///tmp/100%zz.js', 3, 1).fileName).toBe('/tmp/100%zz.js');
  expect(internFrame('local', 'file:///tmp/a%20b.js', 3, 1).fileName).toBe('/tmp/a b.js');
});

/** Compiles `files` (name -> TypeScript text) in one `tsc` run with `flags`; returns the source and output directories. */
function compileMany(files: ReadonlyMap<string, string>, flags: string[]): { src: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'otelprof-srcmap-many-'));
  const src = join(dir, 'src');
  mkdirSync(src);
  for (const [name, text] of files) writeFileSync(join(src, name), text);
  writeFileSync(join(dir, 'mini-lib.d.ts'), MINI_LIB);
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...flags, '--noLib', '--target', 'ES2022', '--module', 'commonjs',
    '--outDir', join(dir, 'out'), '--rootDir', src, ...[...files.keys()].map((n) => join(src, n)), join(dir, 'mini-lib.d.ts')], { stdio: 'pipe', cwd: dir });
  return { src, out: join(dir, 'out') };
}

test('an external map kept in another directory: its sources are relative to the map, not to the .js file', async () => {
  const { src, out } = compileMany(new Map([['moved.ts', TS_HEADER + tsFunction('movedMap')]]), ['--sourceMap']);
  const js = join(out, 'moved.js');
  // What a bundler's map-directory option (Rollup's sourcemapFileNames, webpack's sourceMapFilename)
  // writes: the map under maps/, its sources relative to that directory, the comment pointing there.
  const map = JSON.parse(readFileSync(`${js}.map`, 'utf8')) as { sources: string[] };
  mkdirSync(join(out, 'maps', 'js'), { recursive: true });
  map.sources = map.sources.map((s) => relative(join(out, 'maps', 'js'), resolve(out, s)));
  writeFileSync(join(out, 'maps', 'js', 'moved.js.map'), JSON.stringify(map));
  writeFileSync(js, readFileSync(js, 'utf8').replace('sourceMappingURL=moved.js.map', 'sourceMappingURL=maps/js/moved.js.map'));
  const lines = readFileSync(js, 'utf8').split('\n');
  const idx = lines.findIndex((l) => l.includes('function movedMap('));
  await prepareSourceMaps([js]);
  expect(mapFrame({ functionName: 'movedMap', fileName: js, line: idx + 1, column: 1 })).toMatchObject({ fileName: join(src, 'moved.ts'), line: 5 });
});

test.each(['my file', 'café'])('the source %p maps to its own path, not a percent-encoded one', async (name) => {
  const fn = name === 'café' ? 'accented' : 'spaced';
  const { src, out } = compileMany(new Map([[`${name}.ts`, TS_HEADER + tsFunction(fn)]]), ['--sourceMap']);
  const js = join(out, `${name}.js`);
  const lines = readFileSync(js, 'utf8').split('\n');
  const idx = lines.findIndex((l) => l.includes(`function ${fn}(`));
  await prepareSourceMaps([js]);
  expect(mapFrame({ functionName: fn, fileName: js, line: idx + 1, column: 1 })).toMatchObject({ fileName: join(src, `${name}.ts`), line: 5 });
});

test('a file whose code writes a sourceMappingURL comment of its own maps through its last comment, tsc\'s', async () => {
  // Code that generates JavaScript with a map: the template's comment line is a line of the .js file too.
  const emitter = `export function emitWithMap(code: string, name: string): string {
  return \`\${code}
//# sourceMappingURL=\${name}.map\`;
}
`;
  const { src, out } = compileMany(new Map([['emitter.ts', TS_HEADER + emitter + tsFunction('afterEmitter')]]), ['--sourceMap']);
  const js = join(out, 'emitter.js');
  const lines = readFileSync(js, 'utf8').split('\n');
  expect(lines.filter((l) => l.startsWith('//# sourceMappingURL='))).toHaveLength(2);
  const idx = lines.findIndex((l) => l.includes('function afterEmitter('));
  await prepareSourceMaps([js]);
  // TS_HEADER (4 lines) + emitWithMap (4 lines), then afterEmitter.
  expect(mapFrame({ functionName: 'afterEmitter', fileName: js, line: idx + 1, column: 1 })).toMatchObject({ fileName: join(src, 'emitter.ts'), line: 9 });
});

describe('more files in one profile than the map cache holds (512)', () => {
  const N = 520;
  let compiled: { src: string; out: string };
  beforeAll(() => {
    compiled = compileMany(new Map(Array.from({ length: N }, (_, i) => [`many${i}.ts`, TS_HEADER + tsFunction(`many${i}`)])), ['--inlineSourceMap']);
  });
  const jsOf = (i: number): string => join(compiled.out, `many${i}.js`);
  // tsc's output: the function starts on line 4 (after "use strict" and the two export lines).
  const frameOf = (i: number): StackFrame => internFrame(`many${i}`, jsOf(i), 4, 1);

  test('every frame of the profile maps to its .ts file', async () => {
    expect(readFileSync(jsOf(0), 'utf8').split('\n')[3]).toMatch(/^function many0\(/);
    const files = Array.from({ length: N }, (_, i) => jsOf(i));
    await prepareSourceMaps(files);
    for (const i of [0, 7, N - 1]) expect(mapFrame(frameOf(i))).toMatchObject({ fileName: join(compiled.src, `many${i}.ts`), line: 5 });
  });

  test('a frame looked up before its map was loaded is mapped once it is', async () => {
    // A fresh frame (another column) of file 3; the other files' maps push its map out of the cache.
    const frame = internFrame('late', jsOf(3), 4, 2);
    const other = Array.from({ length: N }, (_, i) => jsOf(i)).filter((_, i) => i !== 3);
    await prepareSourceMaps(other);
    mapFrame(frame);
    await prepareSourceMaps([jsOf(3)]);
    expect(mapFrame(frame)).toMatchObject({ fileName: join(compiled.src, 'many3.ts'), line: 5 });
  });
});

describe('profiles built from captured stacks are source-mapped too (custom, goroutine, mutex)', () => {
  const TS = `declare function setTimeout(fn: () => void, ms: number): unknown;
export function holdValue(p: { add(v: object): void }, v: object): void {
  p.add(v);
}
export function armTimer(): unknown {
  return setTimeout(() => undefined, 60000);
}
export function releaseLock(m: { unlock(): void }): void {
  m.unlock();
}
`;
  let js = '';
  let ts = '';
  beforeAll(() => {
    const { src, out } = compileMany(new Map([['captured.ts', TS]]), ['--sourceMap']);
    js = join(out, 'captured.js');
    ts = join(src, 'captured.ts');
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = (): Record<string, (...a: unknown[]) => unknown> => require(js);
  /** The (file, line) of every sample's frames of function `fn`, read from the built profile. */
  const framesOf = (p: Profile, fn: string): Array<{ fileName: string; line: number }> => {
    const fns = new Map(p.functions.map((f) => [f.id, f]));
    const locs = new Map(p.locations.map((l) => [l.id, l]));
    return p.samples.flatMap((s) => s.locationIds.flatMap((id) => locs.get(id)?.lines ?? []))
      .filter((l) => fns.get(l.functionId)?.name === fn)
      .map((l) => ({ fileName: fns.get(l.functionId)?.filename ?? '', line: l.line }));
  };

  test('custom profile: the adding frame shows the .ts file and line', async () => {
    const p = newProfile('otelprof.test/source-mapped');
    const value = {};
    mod().holdValue(p, value);
    const frames = framesOf(await p.snapshot(), 'holdValue');
    p.remove(value);
    expect(frames).toEqual([{ fileName: ts, line: 3 }]);
  });

  test('goroutine profile (creation stacks): the creating frame shows the .ts file and line', async () => {
    enableGoroutineStacks();
    const timer = mod().armTimer() as NodeJS.Timeout;
    const frames = framesOf(await lookup('goroutine')!.snapshot(), 'armTimer');
    clearTimeout(timer);
    disableGoroutineStacks();
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.fileName === ts && f.line === 6)).toBe(true);
  });

  test('mutex profile: the releasing frame shows the .ts file and line', async () => {
    const previous = setMutexProfileFraction(1);
    const m = new Mutex();
    await m.lock();
    const waiter = m.lock();
    mod().releaseLock(m);
    await waiter;
    m.unlock();
    const frames = framesOf(await lookup('mutex')!.snapshot(), 'releaseLock');
    setMutexProfileFraction(previous);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.fileName === ts && f.line === 9)).toBe(true);
  });
});
