/**
 * The allocs view folds every read into one table: bounded (MAX_ALLOCS_STACKS), with allocations at
 * further stacks summed under one visible frame so totals are not lost.
 */
import { fold, OVERFLOW_FRAME_NAME } from '../../src/sampler/heap-sampler';
import { internFrame } from '../../src/sampler/frames';
import type { RawHeapRecord } from '../../src/sampler/types';

function rec(fn: string, objects: number, bytes: number, inuseObjects = 0, inuseBytes = 0): RawHeapRecord {
  return { stack: Object.freeze([internFrame(fn, '/app/a.js', 1, 1)]), inuseObjects, inuseBytes, allocObjects: objects, allocBytes: bytes };
}
const total = (rs: readonly RawHeapRecord[], k: keyof Omit<RawHeapRecord, 'stack'>): number => rs.reduce((a, r) => a + r[k], 0);

test('allocations at known stacks add up across reads; in-use is the latest read', () => {
  const acc = new Map<string, RawHeapRecord>();
  fold(acc, [rec('f', 2, 200, 2, 200)], 3);
  const out = fold(acc, [rec('f', 3, 300, 1, 100)], 3);
  expect(out).toHaveLength(1);
  expect(out[0]).toMatchObject({ allocObjects: 5, allocBytes: 500, inuseObjects: 1, inuseBytes: 100 });
});

test('stacks beyond the bound are summed under one overflow frame; totals are kept', () => {
  const acc = new Map<string, RawHeapRecord>();
  const first = [rec('a', 1, 10), rec('b', 1, 10), rec('c', 1, 10), rec('d', 2, 20, 2, 20), rec('e', 3, 30, 1, 5)];
  let out = fold(acc, first, 3);
  expect(out).toHaveLength(4);
  const over = (rs: readonly RawHeapRecord[]): RawHeapRecord | undefined => rs.find((r) => r.stack[0].functionName === OVERFLOW_FRAME_NAME);
  expect(over(out)).toMatchObject({ allocObjects: 5, allocBytes: 50, inuseObjects: 3, inuseBytes: 25 });
  expect(total(out, 'allocBytes')).toBe(total(first, 'allocBytes'));

  // A second read: known stacks still fold into their own records, new ones into the overflow,
  // and the overflow's in-use part is this read's, not the sum over reads.
  out = fold(acc, [rec('a', 1, 10), rec('f', 4, 40, 1, 7)], 3);
  expect(out).toHaveLength(4);
  expect(out.find((r) => r.stack[0].functionName === 'a')).toMatchObject({ allocObjects: 2, allocBytes: 20 });
  expect(over(out)).toMatchObject({ allocObjects: 9, allocBytes: 90, inuseObjects: 1, inuseBytes: 7 });
  expect(acc.size).toBe(4);
});
