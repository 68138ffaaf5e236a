/**
 * Go's string order: `strings.Compare`, `sort.Strings` and `pprof.Labels` compare UTF-8 bytes,
 * which is code point order. JS `<` compares UTF-16 units, which puts U+10000 and above
 * (surrogates D800-DFFF) before U+E000-U+FFFF; only those units are re-ranked here.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  return unit >= 0xd800 ? unit + 0x2000 : unit;
}
