/** lazyExports (src/lazy-exports.ts): names that load their file on first use, then stay plain properties. */
import { lazyExports } from '../src/lazy-exports';

test('the first read of any name loads once; afterwards every name is a plain, read-only property', () => {
  let loads = 0;
  const target: Record<string, unknown> = {};
  lazyExports(target, () => {
    loads += 1;
    return { a: 1, b: 'two' };
  }, ['a', 'b']);
  expect(loads).toBe(0);
  expect(Object.keys(target)).toEqual(['a', 'b']);
  expect(typeof Object.getOwnPropertyDescriptor(target, 'b')?.get).toBe('function');
  expect(target.a).toBe(1);
  expect(loads).toBe(1);
  expect(Object.getOwnPropertyDescriptor(target, 'b')).toEqual({ value: 'two', enumerable: true, writable: false, configurable: false });
  expect(target.b).toBe('two');
  expect(loads).toBe(1);
  expect(() => {
    'use strict';
    target.a = 3;
  }).toThrow(TypeError);
});

test('a file read while it is still loading (a require cycle) leaves the getters to ask again', () => {
  const partial: { a?: number; b?: number } = {};
  let loads = 0;
  const target: Record<string, unknown> = {};
  lazyExports(target, () => {
    loads += 1;
    return partial;
  }, ['a', 'b']);
  partial.a = 1;
  expect(target.a).toBe(1);
  expect(target.b).toBeUndefined();
  expect(typeof Object.getOwnPropertyDescriptor(target, 'a')?.get).toBe('function');
  partial.b = 2;
  expect(target.b).toBe(2);
  expect(Object.getOwnPropertyDescriptor(target, 'a')).toEqual({ value: 1, enumerable: true, writable: false, configurable: false });
  expect(loads).toBe(3);
});
