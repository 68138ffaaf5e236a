// Reads and writes a source map's `mappings` as absolute numbers per generated line, so the build
// can move or drop segments of lines it rewrote (scripts/strip-indent.js, scripts/plain-reexports.js).
'use strict';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one segment (base64 VLQ, the sign in the lowest bit). */
function decodeSegment(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    if (digit < 0) throw new Error(`source-map-lines: ${JSON.stringify(ch)} is not a base64 digit in segment ${JSON.stringify(segment)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeSegment(values) {
  let out = '';
  for (const v of values) {
    let rest = v < 0 ? -v * 2 + 1 : v * 2;
    do {
      let digit = rest % 32;
      rest = Math.floor(rest / 32);
      if (rest > 0) digit |= 32;
      out += BASE64[digit];
    } while (rest > 0);
  }
  return out;
}

/**
 * Segments per generated line, each [column, source, line, column, name?] in absolute numbers. In
 * the text the column is relative to the previous segment of its line, the rest to the previous
 * segment of the whole map.
 */
function decodeMappings(mappings) {
  const state = [0, 0, 0, 0];
  return mappings.split(';').map((line) => {
    let column = 0;
    return line === '' ? [] : line.split(',').map((segment) => {
      const v = decodeSegment(segment);
      column += v[0];
      const abs = [column];
      for (let k = 1; k < v.length; k++) {
        state[k - 1] += v[k];
        abs.push(state[k - 1]);
      }
      return abs;
    });
  });
}

function encodeMappings(lines) {
  const state = [0, 0, 0, 0];
  return lines.map((segments) => {
    let column = 0;
    return segments.map((abs) => {
      const v = [abs[0] - column];
      column = abs[0];
      for (let k = 1; k < abs.length; k++) {
        v.push(abs[k] - state[k - 1]);
        state[k - 1] = abs[k];
      }
      return encodeSegment(v);
    }).join(',');
  }).join(';');
}

/**
 * The mappings after the JavaScript lost `removed[i]` characters at the start of line i, and lines
 * in `rewritten` were replaced by shorter text: those keep only their first segment (where the
 * statement starts).
 */
function adjustMappings(mappings, removed, rewritten = new Set()) {
  const lines = decodeMappings(mappings).map((segments, i) => {
    const kept = rewritten.has(i) ? segments.slice(0, 1) : segments;
    return kept.map(([column, ...rest]) => [Math.max(0, column - (removed[i] ?? 0)), ...rest]);
  });
  return encodeMappings(lines);
}

module.exports = { decodeSegment, encodeSegment, decodeMappings, encodeMappings, adjustMappings };
