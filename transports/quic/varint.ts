// QUIC variable-length integers, RFC 9000 section 16: the two high bits of
// the first byte give the length, the rest is the value, big endian.
//
//   2MSB  length  usable bits  range
//   00    1       6            0-63
//   01    2       14           0-16383
//   10    4       30           0-1073741823
//   11    8       62           0-4611686018427387903
//
// JavaScript numbers are exact to 2^53 - 1; eyrie never needs more, so
// larger values are refused on both sides rather than rounded.

/** Largest value these functions take or give: 2^53 - 1. */
export const MAX_VARINT = Number.MAX_SAFE_INTEGER;

/** Bytes the varint of `value` takes. */
export function varintLength(value: number): 1 | 2 | 4 | 8 {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VARINT) {
    throw new RangeError(`A QUIC varint must be 0 to ${MAX_VARINT}, got ${value}`);
  }
  return value < 0x40 ? 1 : value < 0x4000 ? 2 : value < 0x4000_0000 ? 4 : 8;
}

/** Writes `value` at `at`; returns the bytes written. */
export function writeVarint(value: number, buf: Uint8Array, at: number): number {
  const n = varintLength(value);
  if (at + n > buf.length) throw new RangeError(`A ${n}-byte varint does not fit at ${at}`);
  let v = value;
  for (let i = n - 1; i > 0; i--) {
    buf[at + i] = v % 256;
    v = Math.floor(v / 256);
  }
  buf[at] = v | [0, 0x40, 0x80, 0, 0xc0][n >> 1];
  return n;
}

/** A read varint and the bytes it took; `length` 0 means "need more bytes". */
export interface Varint {
  value: number;
  length: number;
}

/**
 * Reads the varint at `at` into `out` (reused, nothing allocated). Sets
 * `out.length` to 0 when `buf` ends first; throws a RangeError for a value
 * past {@linkcode MAX_VARINT}.
 */
export function readVarint(buf: Uint8Array, at: number, out: Varint): Varint {
  if (at >= buf.length) {
    out.length = 0;
    return out;
  }
  const n = 1 << (buf[at] >> 6);
  if (at + n > buf.length) {
    out.length = 0;
    return out;
  }
  let v = buf[at] & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + buf[at + i];
  if (v > MAX_VARINT) throw new RangeError(`A QUIC varint of ${n} bytes is past 2^53 - 1`);
  out.value = v;
  out.length = n;
  return out;
}
