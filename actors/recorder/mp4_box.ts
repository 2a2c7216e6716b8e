/**
 * Reading ISO BMFF (MP4) box headers and the few fields the recorder needs
 * from `moov` and `moof` (ISO/IEC 14496-12). Pure: bytes in, values out.
 * Nothing here writes MP4; GStreamer's mp4mux does.
 *
 * ```
 * box:  size u32 | type 4cc | [largesize u64 if size == 1] | payload
 *       size == 0: the box runs to the end of its container
 * full box payload: version u8 | flags u24 | fields
 * ```
 *
 * @module
 */

/** A box header: where the box is and how long it is. */
export interface BoxHeader {
  type: string;
  /** Offset of the box from the start of its buffer or file. */
  offset: number;
  /** 8, or 16 with a 64-bit size. */
  headerSize: number;
  /** Whole box, header included. */
  size: number;
}

/** Bytes to read to be sure of holding any box header. */
export const BOX_HEADER_MAX = 16;

const PRINTABLE_MIN = 0x20;
const PRINTABLE_MAX = 0x7e;

/**
 * Reads the box header in `bytes` (which start at file offset `offset`) of a
 * box inside a container that ends at `limit`.
 *
 * @returns the header, or `"need-more"` when `bytes` is too short to hold it.
 * @throws {SyntaxError} when the header cannot be a box (bad size or type).
 */
export function parseBoxHeader(
  bytes: Uint8Array,
  offset: number,
  options: { limit: number },
): BoxHeader | "need-more" {
  if (bytes.length < 8) return "need-more";
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let size = dv.getUint32(0);
  for (let i = 4; i < 8; i++) {
    if (bytes[i] < PRINTABLE_MIN || bytes[i] > PRINTABLE_MAX) {
      throw new SyntaxError(
        `Box at offset ${offset} has a type that is not four printable characters`,
      );
    }
  }
  const type = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  let headerSize = 8;
  if (size === 1) {
    if (bytes.length < 16) return "need-more";
    const big = dv.getBigUint64(8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new SyntaxError(`Box "${type}" at offset ${offset} claims ${big} bytes`);
    }
    size = Number(big);
    headerSize = 16;
  } else if (size === 0) {
    size = options.limit - offset;
  }
  if (size < headerSize) {
    throw new SyntaxError(
      `Box "${type}" at offset ${offset} claims ${size} bytes, less than its header`,
    );
  }
  return { type, offset, headerSize, size };
}

/**
 * The child boxes of a container whose payload is `bytes[start, end)`. Stops
 * with a SyntaxError on a child that is not a box or runs past `end`.
 */
export function* childBoxes(bytes: Uint8Array, start: number, end: number): Generator<BoxHeader> {
  let at = start;
  while (at < end) {
    const h = parseBoxHeader(bytes.subarray(at, Math.min(end, at + BOX_HEADER_MAX)), at, {
      limit: end,
    });
    if (h === "need-more" || at + h.size > end) {
      throw new SyntaxError(`Box at offset ${at} runs past the end of its container`);
    }
    yield h;
    at += h.size;
  }
}

/** A reader over one box's payload that throws a SyntaxError instead of reading past it. */
export class PayloadReader {
  #dv: DataView;
  #at: number;
  #end: number;
  #what: string;

  constructor(bytes: Uint8Array, box: BoxHeader) {
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#at = box.offset + box.headerSize;
    this.#end = box.offset + box.size;
    this.#what = box.type;
  }

  /** Bytes left in the payload. */
  get remaining(): number {
    return this.#end - this.#at;
  }

  #need(n: number): number {
    if (this.#at + n > this.#end) {
      throw new SyntaxError(`Box "${this.#what}" is too short for its fields`);
    }
    const at = this.#at;
    this.#at += n;
    return at;
  }

  skip(n: number): void {
    this.#need(n);
  }

  u8(): number {
    return this.#dv.getUint8(this.#need(1));
  }

  u32(): number {
    return this.#dv.getUint32(this.#need(4));
  }

  i32(): number {
    return this.#dv.getInt32(this.#need(4));
  }

  /** A u64 as a number; throws past 2^53. */
  u64(): number {
    const v = this.#dv.getBigUint64(this.#need(8));
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new SyntaxError(`Box "${this.#what}" holds a 64-bit value past 2^53`);
    }
    return Number(v);
  }

  /** Version and flags of a full box. */
  versionFlags(): { version: number; flags: number } {
    const vf = this.u32();
    return { version: vf >>> 24, flags: vf & 0xff_ffff };
  }

  fourcc(): string {
    const at = this.#need(4);
    let s = "";
    for (let i = 0; i < 4; i++) s += String.fromCharCode(this.#dv.getUint8(at + i));
    return s;
  }
}
