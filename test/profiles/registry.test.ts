/**
 * Go's registry and custom profiles: `profiles()`, `lookup`, `newProfile`, `add`/`remove`/`count`,
 * `writeTo` at debug 0 and 1, with Go's exact errors and deterministic output.
 */
import { PassThrough } from 'node:stream';
import {
  BuiltinProfileAddError, DuplicateProfileError, DuplicateValueError, EmptyProfileNameError, Profile,
  UninitializedProfileError, lookup, newProfile, profiles,
} from '../../src/profiles';
import { InvalidArgumentError } from '../../src/errors';
import { goPprofOn } from '../support/go-pprof';
import { collect, decodeSamples } from '../runtime-profiles/helpers';

const BUILTINS = ['allocs', 'block', 'goroutine', 'heap', 'mutex', 'threadcreate'];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('registry', () => {
  it('lists the six built-ins, sorted by name, and finds them', () => {
    const names = profiles().map((p) => p.name);
    for (const n of BUILTINS) expect(names).toContain(n);
    expect([...names].sort()).toEqual(names);
    for (const n of BUILTINS) expect(lookup(n)?.name).toBe(n);
    expect(lookup('no-such-profile')).toBeUndefined();
  });

  it('registers a custom profile once', () => {
    const p = newProfile('otelprof.test/registry-once');
    expect(lookup('otelprof.test/registry-once')).toBe(p);
    expect(profiles()).toContain(p);
  });

  it.each([
    ['empty name', () => newProfile(''), EmptyProfileNameError, 'PPROF_ERR_EMPTY_PROFILE_NAME', 'pprof: NewProfile with empty name'],
    ['built-in name', () => newProfile('heap'), DuplicateProfileError, 'PPROF_ERR_DUPLICATE_PROFILE', 'pprof: NewProfile name already in use: heap'],
    ['taken name', () => { newProfile('otelprof.test/taken'); newProfile('otelprof.test/taken'); }, DuplicateProfileError, 'PPROF_ERR_DUPLICATE_PROFILE', 'pprof: NewProfile name already in use: otelprof.test/taken'],
    ['duplicate value', () => { const p = newProfile('otelprof.test/dup'); const v = {}; p.add(v); p.add(v); }, DuplicateValueError, 'PPROF_ERR_DUPLICATE_VALUE', 'pprof: Profile.Add of duplicate value'],
    ['add on a built-in', () => lookup('goroutine')?.add({}), BuiltinProfileAddError, 'PPROF_ERR_BUILTIN_ADD', 'pprof: Add called on built-in Profile goroutine'],
    ['add on a zero Profile', () => new Profile().add({}), UninitializedProfileError, 'PPROF_ERR_UNINITIALIZED_PROFILE', 'pprof: use of uninitialized Profile'],
    ['negative skip', () => newProfile('otelprof.test/skip-neg').add({}, -1), InvalidArgumentError, 'PPROF_ERR_INVALID_ARG', 'Profile.add: skip must be a non-negative integer (got -1)'],
    ['non-string name', () => newProfile(7 as unknown as string), InvalidArgumentError, 'PPROF_ERR_INVALID_ARG', 'newProfile: name must be a string (got number)'],
  ])('%s throws Go\'s error', (_case, fn, cls, code, message) => {
    const err = thrown(fn);
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ code, message });
  });

  it('writeTo on a zero Profile rejects with Go\'s message', async () => {
    await expect(new Profile().writeTo(new PassThrough(), 0)).rejects.toMatchObject({ message: 'pprof: use of zero Profile' });
  });

  it('rejects a non-stream', async () => {
    await expect(newProfile('otelprof.test/bad-stream').writeTo({} as NodeJS.WritableStream, 0)).rejects.toThrow(InvalidArgumentError);
  });

  it('remove on a built-in or of an absent value is a no-op', () => {
    expect(() => lookup('mutex')?.remove({})).not.toThrow();
    const p = newProfile('otelprof.test/remove-absent');
    p.remove({});
    expect(p.count()).toBe(0);
  });
});

// Named helpers so the stacks are recognisable.
function openConnection(p: Profile, v: object): void {
  p.add(v);
}
function viaHelper(p: Profile, v: object): void {
  addSkippingHelper(p, v);
}
function addSkippingHelper(p: Profile, v: object): void {
  // skip = 1: the stack starts at the caller of this helper, as Go's doc example describes.
  p.add(v, 1);
}

describe('custom profile', () => {
  it('counts values until removed and charges them to the caller of add', async () => {
    const p = newProfile('otelprof.test/connections');
    const values = Array.from({ length: 5 }, () => ({}));
    for (const v of values.slice(0, 3)) openConnection(p, v);
    for (const v of values.slice(3)) viaHelper(p, v);
    expect(p.count()).toBe(5);

    const { sampleTypes, samples } = decodeSamples(await collect(p, 0));
    expect(sampleTypes).toEqual(['otelprof.test/connections/count']);
    const at = (leaf: string): number => samples.filter((s) => s.stack[0] === leaf).reduce((a, s) => a + s.values[0], 0);
    expect(at('openConnection')).toBe(3);
    // skip = 1 hid addSkippingHelper: the leaf is viaHelper.
    expect(at('viaHelper')).toBe(2);
    expect(samples.some((s) => s.stack.includes('addSkippingHelper'))).toBe(false);

    p.remove(values[0]);
    p.remove(values[3]);
    expect(p.count()).toBe(3);
    const after = decodeSamples(await collect(p, 0)).samples;
    expect(after.reduce((a, s) => a + s.values[0], 0)).toBe(3);
  });

  it('writes the same bytes for the same state, whatever the insertion order', async () => {
    const a = newProfile('otelprof.test/order-a');
    const b = newProfile('otelprof.test/order-b');
    const va = [{}, {}, {}];
    const vb = [{}, {}, {}];
    // Same two call sites (same lines), added in opposite orders.
    const addAll = (p: Profile, vals: object[], order: Array<'open' | 'helper'>): void => {
      order.forEach((kind, i) => (kind === 'open' ? openConnection(p, vals[i]) : viaHelper(p, vals[i])));
    };
    const cases: Array<[Profile, object[], Array<'open' | 'helper'>]> = [[a, va, ['open', 'helper', 'open']], [b, vb, ['helper', 'open', 'open']]];
    for (const [p, vals, order] of cases) addAll(p, vals, order);
    const ta = (await collect(a, 1)).toString().replace('otelprof.test/order-a', 'X');
    const tb = (await collect(b, 1)).toString().replace('otelprof.test/order-b', 'X');
    expect(ta).toBe(tb);
    const pa = decodeSamples(await collect(a, 0));
    const pb = decodeSamples(await collect(b, 0));
    expect(pa.samples.map((s) => [s.stack, s.values])).toEqual(pb.samples.map((s) => [s.stack, s.values]));
  });

  it('debug=1 is Go\'s legacy count text, and go tool pprof reads both forms', async () => {
    const p = newProfile('otelprof.test/legacy');
    const vals = [{}, {}, {}, {}];
    for (const v of vals.slice(0, 3)) openConnection(p, v);
    viaHelper(p, vals[3]);
    const text = (await collect(p, 1)).toString();
    expect(text).toMatch(/^otelprof\.test\/legacy profile: total 4\n3 @ 0x[0-9a-f]+( 0x[0-9a-f]+)*\n#\t0x[0-9a-f]+\topenConnection\+0x[0-9a-f]+\t+\S+registry\.test\.ts:\d+\n/);
    expect(text).toMatch(/\n1 @ 0x[0-9a-f]+/);
    const fromText = await goPprofOn(text, ['-top']);
    expect(fromText).toMatch(/Type: otelprof\.test\/legacy/);
    const fromProto = await goPprofOn(await collect(p, 0), ['-top']);
    expect(fromProto).toMatch(/openConnection/);
    expect(fromProto).toMatch(/Showing nodes accounting for 4, 100% of 4 total/);
  });
});
