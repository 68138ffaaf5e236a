import { randomProfileId } from '../../exporters/pyroscope/profile-id';

describe('randomProfileId (the Push API sample ID)', () => {
  it('is a version 4, variant 10xx UUID in lower-case hex with dashes', () => {
    for (let i = 0; i < 2000; i++) {
      expect(randomProfileId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('does not repeat, and every random hex digit takes all 16 values', () => {
    const ids = Array.from({ length: 20_000 }, randomProfileId);
    expect(new Set(ids).size).toBe(ids.length);
    // Positions that carry random bits (all but the dashes and the version digit).
    for (const pos of [0, 7, 9, 12, 15, 17, 20, 22, 24, 35]) {
      expect(new Set(ids.map((id) => id[pos])).size).toBe(16);
    }
    expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(['8', '9', 'a', 'b']));
  });
});
