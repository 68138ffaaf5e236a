/**
 * Code V8 optimized during one collection stays good for the next. A collection's synchronous step
 * walks V8's whole tree (thousands of nodes with deep stacks): run unoptimized again after a
 * deopt, it took twice as long (bench/RESULTS.md, twenty-ninth pass). The child runs collections
 * of 40-deep stacks with V8's deoptimization trace on; after the first collection is built, no
 * function of otelprof's may be deoptimized in a read, and none more than once in the builds and
 * encodes that follow (they run in slices; a later, bigger profile can take a path, such as the
 * encoder's buffer growth, that V8 had no feedback for: once, not at every collection).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt } from '../package/consumer';

beforeAll(() => ensureBuilt());

interface Deopt { after: string; reason: string; fn: string; at: string }

function run(): Promise<{ deopts: Deopt[]; marks: string[]; result: { collections: number; deepest: number } }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(__dirname, 'fixtures', 'collections-stay-optimized.js'), '8', '250'], { maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const deopts: Deopt[] = [];
      const marks: string[] = [];
      let after = 'start';
      let reason = '';
      let fn = '';
      for (const line of stdout.split('\n')) {
        if (/^(READ|COLLECTION|BUILT) \d+/.test(line)) {
          after = line.split(' ').slice(0, 2).join(' ');
          marks.push(after);
        }
        const b = /^\[bailout \(kind: [^,]+, reason: ([^)]*)\).*?deoptimizing 0x[0-9a-f]+ <JSFunction ([^ >]*)/.exec(line);
        if (b) [reason, fn] = [b[1], b[2]];
        const d = /;;; deoptimize at <([^>]+)>/.exec(line);
        if (d) deopts.push({ after, reason, fn, at: d[1] });
      }
      resolve({ deopts, marks, result: JSON.parse(stdout.trim().split('\n').pop() as string) });
    });
  });
}

test('no deopt of otelprof code in the collections after the first one (40-deep stacks)', async () => {
  const { deopts, marks, result } = await run();
  expect(result.collections).toBe(8);
  expect(result.deepest).toBeGreaterThanOrEqual(40);
  expect(marks).toContain('BUILT 0');
  const ours = join('dist', 'src');
  const firstBuilt = marks.indexOf('BUILT 0');
  const late = deopts.filter((d) => d.at.includes(ours) && marks.indexOf(d.after) >= firstBuilt);
  expect(late.filter((d) => d.after.startsWith('READ'))).toEqual([]);
  const again = late.filter((d, i) => late.findIndex((e) => e.fn === d.fn) !== i);
  expect(again).toEqual([]);
}, 90_000);
