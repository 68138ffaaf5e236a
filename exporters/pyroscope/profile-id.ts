/**
 * The `ID` of a Push API sample: Pyroscope documents it as the profile's UUID, does not validate it
 * and shows it only in its logs and error texts. A random UUID v4 made from `Math.random` serves
 * that as well as a cryptographic one, without loading `node:crypto` into services that do not use
 * it otherwise (measured: 2.5 MB of RSS on Node 20 and 3.6 MB on Node 24 in a bare process, 0.4 MB
 * in the overhead bench's apps; bench/RESULTS.md, sixteenth pass).
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 32 random bits as 8 hex digits. */
function hex32(): string {
  const n = (Math.random() * 0x1_0000_0000) >>> 0;
  return HEX[n >>> 24] + HEX[(n >>> 16) & 0xff] + HEX[(n >>> 8) & 0xff] + HEX[n & 0xff];
}

/** A random RFC 9562 version 4 UUID, lower-case hex with dashes. */
export function randomProfileId(): string {
  const a = hex32();
  const b = hex32();
  const c = hex32();
  const d = hex32();
  // Version 4 in the 13th hex digit; variant 10xx in the 17th.
  const variant = ((parseInt(c[0], 16) & 0x3) | 0x8).toString(16);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}
