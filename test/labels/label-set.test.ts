import { LabelSet, labels, UnevenLabelsError } from '../../src/labels';
import { internedLabelSets, MAX_INTERNED_SETS } from '../../src/labels/label-set';

describe('labels(k, v, ...)', () => {
  test('sorts by key and keeps the last value of a repeated key (Go semantics)', () => {
    const set = labels('b', '2', 'a', '1', 'b', '3');
    expect([...set]).toEqual([['a', '1'], ['b', '3']]);
    expect(set.size).toBe(2);
    expect(set.get('b')).toBe('3');
    expect(set.get('missing')).toBeUndefined();
    expect(set.has('a')).toBe(true);
    expect(set.has('c')).toBe(false);
    expect(set.toObject()).toEqual({ a: '1', b: '3' });
  });

  test('keys given in order, out of order, repeated or adjacent-equal build the same sets', () => {
    // In-order keys take the constructor's fast path; the rest sort through a map.
    expect([...labels('a', '1', 'b', '2', 'c', '3')]).toEqual([['a', '1'], ['b', '2'], ['c', '3']]);
    expect(labels('c', '3', 'a', '1', 'b', '2').equals(labels('a', '1', 'b', '2', 'c', '3'))).toBe(true);
    expect([...labels('a', '1', 'a', '2')]).toEqual([['a', '2']]);
    expect([...labels('a', '1', 'b', '2', 'b', '9')]).toEqual([['a', '1'], ['b', '9']]);
    expect([...new LabelSet([['B', 'x'], ['a', 'y']])]).toEqual([['B', 'x'], ['a', 'y']]);
    expect([...new LabelSet([['a', 'y'], ['B', 'x']])]).toEqual([['B', 'x'], ['a', 'y']]);
    const one = labels('k', 'v');
    expect([one.size, one.get('k'), one.has('v')]).toEqual([1, 'v', false]);
  });

  test('labels() is the empty set', () => {
    expect(labels()).toBe(LabelSet.EMPTY);
    expect(labels().size).toBe(0);
  });

  test.each([
    [['k']],
    [['k', 'v', 'k2']],
    [['a', 'b', 'c', 'd', 'e']],
  ])('an odd number of arguments %j throws Go\'s panic text as PPROF_ERR_UNEVEN_LABELS', (args) => {
    let caught: unknown;
    try {
      labels(...args);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UnevenLabelsError);
    expect(caught).toMatchObject({ code: 'PPROF_ERR_UNEVEN_LABELS', message: 'uneven number of arguments to pprof.Labels' });
  });

  test.each([
    [[1, 'v'], 'labels: argument 0 (a key) must be a string (got number)'],
    [['k', undefined], 'labels: argument 1 (a value) must be a string (got undefined)'],
    [['k', 'v', 'k2', {}], 'labels: argument 3 (a value) must be a string (got object)'],
  ])('a non-string argument %j throws PPROF_ERR_INVALID_ARG', (args, message) => {
    expect(() => labels(...(args as string[]))).toThrow(expect.objectContaining({ code: 'PPROF_ERR_INVALID_ARG', message }));
  });

  test('toString is Go\'s labelMap.String format', () => {
    expect(labels('user', '42', 'handler', '/api').toString()).toBe('{"handler":"/api", "user":"42"}');
    expect(labels('q', 'say "hi"').toString()).toBe('{"q":"say \\"hi\\""}');
    expect(labels().toString()).toBe('{}');
  });
});

describe('LabelSet.merge', () => {
  test('later labels override earlier ones with the same key', () => {
    const merged = labels('a', '1', 'b', '1').merge(labels('b', '2', 'c', '2'));
    expect(merged.toObject()).toEqual({ a: '1', b: '2', c: '2' });
  });

  test('returns the same object for the same pair (cached) and reuses inputs that already cover the result', () => {
    const base = labels('a', '1');
    const over = labels('b', '2');
    expect(base.merge(over)).toBe(base.merge(over));
    expect(base.merge(labels())).toBe(base);
    expect(labels().merge(over)).toBe(over);
    const superset = labels('a', '9', 'b', '2');
    expect(base.merge(superset)).toBe(superset);
  });

  test('equals compares pairs, not identity', () => {
    expect(labels('a', '1', 'b', '2').equals(labels('b', '2', 'a', '1'))).toBe(true);
    expect(labels('a', '1').equals(labels('a', '2'))).toBe(false);
    expect(labels('a', '1').equals(labels('a', '1', 'b', '1'))).toBe(false);
  });
});

describe('LabelSet.toPprofLabels', () => {
  test('gives string labels in key order, cached, without empty values (pprof drops those)', () => {
    const set = labels('z', 'last', 'a', 'first', 'empty', '');
    const pprof = set.toPprofLabels();
    expect(pprof).toEqual([{ key: 'a', str: 'first' }, { key: 'z', str: 'last' }]);
    expect(set.toPprofLabels()).toBe(pprof);
    expect(Object.isFrozen(pprof)).toBe(true);
  });

  test('keepEmpty keeps labels with an empty value (Go\'s goroutine profile does), also cached', () => {
    const set = labels('z', 'last', 'a', 'first', 'empty', '');
    const all = set.toPprofLabels(true);
    expect(all).toEqual([{ key: 'a', str: 'first' }, { key: 'empty', str: '' }, { key: 'z', str: 'last' }]);
    expect(set.toPprofLabels(true)).toBe(all);
    expect(set.toPprofLabels()).toHaveLength(2);
    const full = labels('a', '1');
    expect(full.toPprofLabels(true)).toBe(full.toPprofLabels());
  });
});

describe('LabelSet.isLabelSet', () => {
  test('accepts sets (also branded ones from another copy of otelprof) and rejects look-alikes', () => {
    expect(LabelSet.isLabelSet(labels('a', '1'))).toBe(true);
    const foreign = { [Symbol.for('otelprof.LabelSet')]: true };
    expect(LabelSet.isLabelSet(foreign)).toBe(true);
    expect(LabelSet.isLabelSet({ a: '1' })).toBe(false);
    expect(LabelSet.isLabelSet(undefined)).toBe(false);
  });
});

describe('LabelSet.contentKey (internal: interning by content)', () => {
  test('equal for the same pairs in any order, different when a pair differs', () => {
    expect(labels('a', '1', 'b', '2').contentKey()).toBe(labels('b', '2', 'a', '1').contentKey());
    expect(labels('a', '1').contentKey()).not.toBe(labels('a', '2').contentKey());
    expect(labels('a', '1').contentKey()).not.toBe(labels('a', '1', 'b', '').contentKey());
  });

  test('no two different sets share a key, whatever characters keys and values hold', () => {
    const sets = [labels('a:b', 'c'), labels('a', 'b:c'), labels('a', '1:b1:c'), labels('a', '1', 'b', 'c'), labels('1:a', ''), labels('', '1:a')];
    expect(new Set(sets.map((s) => s.contentKey())).size).toBe(sets.length);
  });
});

describe('labels() shares one set per content (keys in order)', () => {
  test('the same pairs give the same object, so per-set caches downstream hit', () => {
    expect(labels('route', '/a')).toBe(labels('route', '/a'));
    expect(labels('a', '1', 'b', '2')).toBe(labels('a', '1', 'b', '2'));
    // A prefix of a longer set is its own set, and the longer one still comes back.
    const prefix = labels('a', '1');
    expect([...prefix]).toEqual([['a', '1']]);
    expect(labels('a', '1', 'b', '2')).toBe(labels('a', '1', 'b', '2'));
    expect(labels('a', '1')).toBe(prefix);
    expect(labels('route', '/a')).not.toBe(labels('route', '/b'));
    expect(labels('a', '1', 'b', '2')).not.toBe(labels('a', '1', 'b', '3'));
    // Out of order or repeated keys build a new (equal) set through the sorting path.
    expect(labels('b', '2', 'a', '1').equals(labels('a', '1', 'b', '2'))).toBe(true);
    expect([...labels('a', '1', 'a', '2')]).toEqual([['a', '2']]);
  });

  test('high-cardinality values do not grow the shared sets without bound', () => {
    const first = labels('request', 'r-0');
    for (let i = 1; i < 3 * MAX_INTERNED_SETS; i++) {
      const set = labels('request', `r-${i}`, 'route', '/x');
      expect(set.get('request')).toBe(`r-${i}`);
    }
    expect(internedLabelSets()).toBeGreaterThan(0);
    expect(internedLabelSets()).toBeLessThanOrEqual(MAX_INTERNED_SETS);
    // After the trie started over, an old content makes an equal set again.
    expect(labels('request', 'r-0').equals(first)).toBe(true);
  });

  test('bad arguments are refused before anything is shared', () => {
    expect(() => labels('a', 1 as unknown as string)).toThrow('labels: argument 1 (a value) must be a string (got number)');
    expect(() => labels('a', '1', 'b')).toThrow(UnevenLabelsError);
    expect(labels('a', '1').get('a')).toBe('1');
  });
});

describe('key order is Go\'s (UTF-8 bytes), not JS string order (UTF-16 units)', () => {
  const utf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

  test('a key above U+FFFF sorts after U+E000-U+FFFF, as in Go; get() finds every key', () => {
    // U+FF01 is EF BC 81 in UTF-8, U+1F600 is F0 9F 98 80: Go puts U+FF01 first, JS `<` the emoji
    // (its first UTF-16 unit is D83D).
    const set = labels('\u{1F600}', '1', '\uFF01', '2', 'a', '3');
    expect([...set].map(([k]) => k)).toEqual(['a', '\uFF01', '\u{1F600}']);
    expect([set.get('\u{1F600}'), set.get('\uFF01'), set.get('a'), set.get('\uD83D')]).toEqual(['1', '2', '3', undefined]);
    // The same pairs given in Go's order take the shared-set path and agree.
    const inOrder = labels('a', '3', '\uFF01', '2', '\u{1F600}', '1');
    expect(inOrder.equals(set)).toBe(true);
    expect(inOrder.toString()).toBe('{"a":"3", "\uFF01":"2", "\u{1F600}":"1"}');
    expect(set.merge(labels('\uFFFF', 'x')).get('\uFFFF')).toBe('x');
  });

  test('any keys: iteration follows the UTF-8 byte order and get() finds each', () => {
    const alphabet = ['a', 'z', '\u00e9', '\u4e2d', '\ud7ff', '\ue000', '\uff01', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 200; round++) {
      const kv: string[] = [];
      for (let i = 0; i < 1 + rnd(6); i++) {
        let k = '';
        for (let j = 0; j < 1 + rnd(3); j++) k += alphabet[rnd(alphabet.length)];
        kv.push(k, `v${i}`);
      }
      const set = labels(...kv);
      const keys = [...set].map(([k]) => k);
      expect(keys).toEqual([...new Set(keys)].sort(utf8));
      for (const k of keys) expect(set.has(k)).toBe(true);
    }
  });
});
