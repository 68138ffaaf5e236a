/**
 * Go's `strconv.Quote` (what `%q` prints for a string): double-quoted, with `\a \b \f \n \r \t
 * \v \\ \"` escapes, other control and non-printable characters as `\xNN`, `\uNNNN` or
 * `\UNNNNNNNN`, printable Unicode kept as is. Lone surrogates (invalid UTF-8 in Go) become `\ufffd`'s escape-free form.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    out += quoteRune(ch, cp);
  }
  return out + '"';
}

/**
 * `s` with every character Go's `%q` escapes as non-printable written as that escape (`\x1b`, `\r`,
 * `\u202e`), the rest as is (no quotes; `\` and `"` kept): text from untrusted input that goes to
 * a terminal, which would act on controls, bidi marks and line separators. Characters in `keep`
 * pass unescaped (an error body's tabs and line breaks).
 */
export function escapeNonPrintable(s: string, keep = ''): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    out += ch === '\\' || ch === '"' || keep.includes(ch) ? ch : quoteRune(ch, cp);
  }
  return out;
}

const SIMPLE: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"',
};

function quoteRune(ch: string, cp: number): string {
  const simple = SIMPLE[ch];
  if (simple) return simple;
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd';
  if (isPrintable(cp)) return ch;
  if (cp < 0x80) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * Approximates Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the
 * ASCII space are printable; other spaces, controls, format characters and unassigned code
 * points are not.
 */
function isPrintable(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(cp));
}
