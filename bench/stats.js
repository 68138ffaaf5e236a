/**
 * Order statistics shared by the overhead benchmarks. Not part of the library.
 */
'use strict';

/** Median of the finite values (NaN when there are none). */
function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Distribution-free 95 % confidence interval of the median (order statistics, normal approximation). */
function medianCI(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const half = 0.98 * Math.sqrt(s.length);
  return [s[Math.max(0, Math.floor(s.length / 2 - half))], s[Math.min(s.length - 1, Math.ceil(s.length / 2 + half) - 1)]];
}

/** The value at quantile `q` (nearest rank). */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

module.exports = { median, medianCI, quantile };
