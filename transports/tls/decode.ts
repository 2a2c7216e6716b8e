import {
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  FRAME_VERSION,
  type FrameErrorReason,
  isWireFormat,
  KNOWN_FLAGS,
  MAX_ANY_PAYLOAD_BYTES,
  MAX_PAYLOAD_BYTES,
  type NumberedAccessUnit,
  type WireFormat,
} from "./frame.ts";

/** "Need more bytes": every byte pushed so far is used up and no frame is complete. */
export interface NeedMoreBytes {
  readonly kind: "more";
}

/** The one "need more bytes" value. */
export const NEED_MORE_BYTES: NeedMoreBytes = Object.freeze({ kind: "more" });

/** A complete access unit. The decoder reuses this object and `data`: copy what you keep. */
export interface AccessUnitResult extends Readonly<NumberedAccessUnit> {
  readonly kind: "access_unit";
}

/** The stream broke a rule; the decoder returns this from now on. */
export interface FrameErrorResult {
  readonly kind: "error";
  readonly reason: FrameErrorReason;
  /** Sentence quoting the offending value. */
  readonly message: string;
}

/** What {@linkcode FrameDecoder.next} returns. */
export type DecodeResult = NeedMoreBytes | AccessUnitResult | FrameErrorResult;

/** Options of {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Refuse larger payloads than the format allows, e.g. on a small device. */
  maxPayloadBytes?: number;
}

const TWO_32 = 2 ** 32;
const EMPTY: Uint8Array = new Uint8Array(0);

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function readI64(b: Uint8Array, at: number): number {
  return (readU32(b, at) | 0) * TWO_32 + readU32(b, at + 4);
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

/**
 * Incremental decoder of an access-unit stream (see frame.ts): `push()` a
 * chunk as it arrives, cut anywhere, then call `next()` until it returns
 * {@linkcode NEED_MORE_BYTES}. It copies payloads into one buffer that grows
 * to the largest AU seen (never past the bound), so a steady stream
 * allocates nothing. A broken rule is a {@linkcode FrameErrorResult} value,
 * and final: the stream cannot be trusted after it.
 */
export class FrameDecoder {
  readonly #max: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFilled = 0;
  #payload = EMPTY;
  #payloadFilled = 0;
  /** Payload size of the frame being read, or -1 while reading a header. */
  #size = -1;
  #chunk = EMPTY;
  #pos = 0;
  #error: FrameErrorResult | null = null;
  #result = {
    kind: "access_unit" as const,
    seq: 0,
    flags: 0,
    format: 16 as WireFormat,
    ptsNs: 0,
    captureNs: 0,
    data: EMPTY,
  };

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxPayloadBytes ?? MAX_ANY_PAYLOAD_BYTES;
    if (!Number.isInteger(max) || max < 1 || max > MAX_ANY_PAYLOAD_BYTES) {
      throw new RangeError(
        `Invalid maxPayloadBytes "${max}": expected 1 to ${MAX_ANY_PAYLOAD_BYTES}`,
      );
    }
    this.#max = max;
  }

  /** Bytes held of a frame not yet complete: non-zero when a stream ends mid-frame. */
  get pending(): number {
    return this.#headerFilled + this.#payloadFilled + (this.#chunk.length - this.#pos);
  }

  /** True once the stream broke a rule. */
  get failed(): boolean {
    return this.#error !== null;
  }

  /**
   * Hands the decoder the next chunk. The decoder reads it in place (keep it
   * unchanged until `next()` returns "more"); pushing before the previous
   * chunk is used up throws an Error, as that would lose bytes.
   */
  push(chunk: Uint8Array): void {
    if (this.#pos < this.#chunk.length && this.#error === null) {
      throw new Error("push() before next() used up the previous chunk");
    }
    this.#chunk = chunk;
    this.#pos = 0;
  }

  /** The next complete access unit, "more", or the error that ended the stream. */
  next(): DecodeResult {
    if (this.#error !== null) return this.#error;
    if (this.#size < 0) {
      this.#headerFilled += this.#take(this.#header, this.#headerFilled, FRAME_HEADER_BYTES);
      if (this.#headerFilled < FRAME_HEADER_BYTES) return NEED_MORE_BYTES;
      const error = this.#parseHeader();
      if (error !== null) return error;
    }
    this.#payloadFilled += this.#take(this.#payload, this.#payloadFilled, this.#size);
    if (this.#payloadFilled < this.#size) return NEED_MORE_BYTES;
    const result = this.#result;
    result.data = this.#payload.subarray(0, this.#size);
    this.#headerFilled = 0;
    this.#payloadFilled = 0;
    this.#size = -1;
    return result;
  }

  /** Copies from the chunk into `target[filled..limit)`; returns how many bytes. */
  #take(target: Uint8Array, filled: number, limit: number): number {
    const n = Math.min(limit - filled, this.#chunk.length - this.#pos);
    if (n <= 0) return 0;
    target.set(this.#chunk.subarray(this.#pos, this.#pos + n), filled);
    this.#pos += n;
    return n;
  }

  #fail(reason: FrameErrorReason, message: string): FrameErrorResult {
    this.#error = Object.freeze({ kind: "error", reason, message });
    return this.#error;
  }

  #parseHeader(): FrameErrorResult | null {
    const h = this.#header;
    const magic = readU32(h, 0);
    if (magic !== FRAME_MAGIC) {
      return this.#fail("bad_magic", `Bad magic "${hex(magic)}": not an eyrie access-unit stream`);
    }
    if (h[4] !== FRAME_VERSION) {
      return this.#fail("bad_version", `Unsupported version "${h[4]}": expected ${FRAME_VERSION}`);
    }
    const flags = h[5];
    if ((flags & ~KNOWN_FLAGS) !== 0) {
      return this.#fail("unknown_flags", `Unknown flag bits in "${flags}"`);
    }
    const format = h[6];
    if (!isWireFormat(format)) {
      return this.#fail("unknown_format", `Unknown format "${format}": expected 16 or 17`);
    }
    if (h[7] !== 0) return this.#fail("reserved", `Reserved byte is "${h[7]}", not 0`);
    const size = readU32(h, 12);
    if (size === 0) return this.#fail("empty", "An access unit of 0 bytes");
    const max = Math.min(this.#max, MAX_PAYLOAD_BYTES[format]);
    if (size > max) {
      return this.#fail("too_large", `An access unit of "${size}" bytes exceeds ${max} bytes`);
    }
    if (this.#payload.length < size) {
      this.#payload = new Uint8Array(Math.min(max, Math.max(size, 2 * this.#payload.length)));
    }
    const result = this.#result;
    result.seq = readU32(h, 8);
    result.flags = flags;
    result.format = format;
    result.ptsNs = readI64(h, 16);
    result.captureNs = readI64(h, 24);
    this.#size = size;
    return null;
  }
}
