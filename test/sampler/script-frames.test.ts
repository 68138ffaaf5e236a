/**
 * The native sampler finds a function it has seen before by V8's script id and position, without
 * reading its names again. Names must still be each function's own: two scripts with functions at
 * the same positions, read in several windows (the first read fills the table, later ones use it).
 */
import * as vm from 'node:vm';
import { openCpuWindow } from '../../src/sampler';
import type { RawCpuWindow } from '../../src/sampler/types';
import { BIG_BODY } from './helpers';

/** A burner named `name` compiled as its own script `file`, at the same position in every file. */
function burnerInScript(name: string, file: string): (ms: number) => number {
  const source = `(function ${name}(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) { ${BIG_BODY} } return x; })`;
  return new vm.Script(source, { filename: file }).runInThisContext() as (ms: number) => number;
}

/** Per burner name: the files and positions of the leaf frames carrying it. */
function leafFrames(w: RawCpuWindow): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of w.samples) {
    const leaf = s.stack.find((f) => f.functionName.startsWith('burnIn'));
    if (leaf === undefined) continue;
    const seen = out.get(leaf.functionName) ?? new Set<string>();
    seen.add(`${leaf.fileName}:${leaf.line}:${leaf.column}`);
    out.set(leaf.functionName, seen);
  }
  return out;
}

test('functions at the same position in different scripts keep their own names and files, window after window', () => {
  const one = burnerInScript('burnInOne', '/srv/script-frames/one.js');
  const two = burnerInScript('burnInTwo', '/srv/script-frames/two.js');
  // The same file compiled again: a new script id, the same frame.
  const oneAgain = burnerInScript('burnInOne', '/srv/script-frames/one.js');
  const w = openCpuWindow({ hz: 500, backend: 'native' });
  const windows: RawCpuWindow[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 6; i++) {
        one(10);
        two(10);
        oneAgain(10);
      }
      windows.push(w.rotate());
    }
  } finally {
    windows.push(w.close());
  }
  const positions = new Set<string>();
  for (const win of windows.slice(0, 3)) {
    const leaves = leafFrames(win);
    const [a, b] = [[...(leaves.get('burnInOne') ?? [])], [...(leaves.get('burnInTwo') ?? [])]];
    expect([a.length, b.length]).toEqual([1, 1]);
    expect(a[0]).toMatch(/^\/srv\/script-frames\/one\.js:1:\d+$/);
    expect(b[0]).toMatch(/^\/srv\/script-frames\/two\.js:1:\d+$/);
    positions.add(a[0].replace(/^.*?:/, '')).add(b[0].replace(/^.*?:/, ''));
  }
  // Both functions at one position in every window: the script id alone told them apart.
  expect(positions.size).toBe(1);
  // One shared frame object per function across windows and scripts.
  const frames = new Set(windows.flatMap((win) => Array.from(win.samples, (s) => s.stack.find((f) => f.functionName === 'burnInOne')).filter((f) => f !== undefined)));
  expect(frames.size).toBe(1);
});
