import {
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  FRAME_VERSION,
  isWireFormat,
  KNOWN_FLAGS,
  MAX_PAYLOAD_BYTES,
  MAX_TIMESTAMP_NS,
  type NumberedAccessUnit,
} from "./frame.ts";

const TWO_32 = 2 ** 32;

function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

/**
 * An integer number of nanoseconds as a big-endian two's complement int64.
 * Exact for every integer a double holds: the high word is `floor(v / 2^32)`
 * and the low word the remainder, both exact in floating point.
 */
function writeI64(out: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  writeU32(out, at, high >>> 0);
  writeU32(out, at + 4, value - high * TWO_32);
}

function checkTimestamp(name: string, value: number): void {
  if (!Number.isInteger(value) || Math.abs(value) >= MAX_TIMESTAMP_NS) {
    throw new RangeError(`Invalid ${name} "${value}": expected whole nanoseconds within ±2^63`);
  }
}

/**
 * Writes the 32-byte header of `unit` (its payload size is `unit.data.length`)
 * into `out[0..32)`. Throws a RangeError or TypeError quoting a field the
 * format cannot carry, so a sender never puts a frame on the wire that a
 * receiver would refuse.
 */
export function encodeHeader(unit: NumberedAccessUnit, out: Uint8Array): void {
  if (out.length < FRAME_HEADER_BYTES) {
    throw new RangeError(`A header needs ${FRAME_HEADER_BYTES} bytes, got "${out.length}"`);
  }
  if (!isWireFormat(unit.format)) {
    throw new TypeError(
      `Unknown access-unit format "${unit.format}": expected 16 (H.264) or 17 (JPEG)`,
    );
  }
  if (!Number.isInteger(unit.flags) || unit.flags < 0 || (unit.flags & ~KNOWN_FLAGS) !== 0) {
    throw new TypeError(`Invalid flags "${unit.flags}": only KEYFRAME, DISCONT and CONFIG exist`);
  }
  const size = unit.data.length;
  const max = MAX_PAYLOAD_BYTES[unit.format];
  if (size < 1 || size > max) {
    throw new RangeError(`Invalid access-unit size "${size}": expected 1 to ${max} bytes`);
  }
  if (!Number.isInteger(unit.seq) || unit.seq < 0 || unit.seq >= TWO_32) {
    throw new RangeError(`Invalid sequence number "${unit.seq}": expected a uint32`);
  }
  checkTimestamp("pts", unit.ptsNs);
  checkTimestamp("capture time", unit.captureNs);
  writeU32(out, 0, FRAME_MAGIC);
  out[4] = FRAME_VERSION;
  out[5] = unit.flags;
  out[6] = unit.format;
  out[7] = 0;
  writeU32(out, 8, unit.seq);
  writeU32(out, 12, size);
  writeI64(out, 16, unit.ptsNs);
  writeI64(out, 24, unit.captureNs);
}

/**
 * Header and payload of `unit` in one buffer: `into` (its first
 * `FRAME_HEADER_BYTES + unit.data.length` bytes, returned as a view) or a
 * new one. Throws like {@linkcode encodeHeader}, or a RangeError when `into`
 * is too small.
 */
export function encodeFrame(unit: NumberedAccessUnit, into?: Uint8Array): Uint8Array {
  const total = FRAME_HEADER_BYTES + unit.data.length;
  if (into !== undefined && into.length < total) {
    throw new RangeError(`A frame of ${total} bytes does not fit in "${into.length}" bytes`);
  }
  const out = into === undefined ? new Uint8Array(total) : into.subarray(0, total);
  encodeHeader(unit, out);
  out.set(unit.data, FRAME_HEADER_BYTES);
  return out;
}
