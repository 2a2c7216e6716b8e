/**
 * Gives a streamed Matroska or WebM export its duration. matroskamux and
 * webmmux in `streamable` mode (the only one an unseekable output allows)
 * write no `Duration`, so players show none and ffprobe says "N/A". An
 * export knows its duration before the muxer's first bytes: it ends at the
 * recorded end or the range's end, and starts at the first frame pushed.
 * This inserts a `Duration` element at the end of `Info` as the header goes
 * by, and grows Info's size by as much. Streamable output has no SeekHead
 * or Cues, so no offset points past the insertion. Pure: bytes in, bytes out.
 *
 * @module
 */
import {
  type ElementHeader,
  floatBytes,
  ID,
  parseElementHeader,
  readFloat,
  readUint,
} from "./mkv_ebml.ts";

/**
 * Most header bytes held back while looking for `Info`. Reason: the EBML
 * header, Tags and Info come first and take ~300 bytes; past 64 KiB this is
 * not the stream muxers write, and it passes through unchanged.
 */
export const MAX_HEADER_HOLD = 64 * 1024;

/** Duration element: ID 0x4489, size 8 (vint 0x88), a float64. */
const DURATION_BYTES = 11;

/** Inserts `Duration` into the first `Info` of a Matroska stream. */
export class MkvDurationPatch {
  readonly #durationMs: () => number;
  #held = new Uint8Array(0);
  #done = false;

  /** `durationMs` is asked once, when `Info` passes (after the first frame was pushed). */
  constructor(durationMs: () => number) {
    this.#durationMs = durationMs;
  }

  /** Takes the next bytes of the stream; returns what may be sent on now. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#done) return [chunk];
    const all = new Uint8Array(this.#held.length + chunk.length);
    all.set(this.#held);
    all.set(chunk, this.#held.length);
    const patched = this.#patch(all);
    if (patched !== null) {
      this.#done = true;
      this.#held = new Uint8Array(0);
      return [patched];
    }
    if (all.length > MAX_HEADER_HOLD) return this.#giveUp(all);
    this.#held = all;
    return [];
  }

  /** The end of the stream: whatever is still held. */
  flush(): Uint8Array[] {
    if (this.#done || this.#held.length === 0) return [];
    return this.#giveUp(this.#held);
  }

  #giveUp(all: Uint8Array): Uint8Array[] {
    this.#done = true;
    this.#held = new Uint8Array(0);
    return [all];
  }

  /** The stream with Duration inserted, null while Info is not all here, or it unchanged. */
  #patch(b: Uint8Array): Uint8Array | null {
    try {
      const ebml = parseElementHeader(b, 0, 0);
      if (ebml === "need-more") return null;
      if (ebml.id !== ID.EBML || ebml.size === null) return b;
      let at = ebml.headerSize + ebml.size;
      const segment = parseElementHeader(b, at, 0);
      if (segment === "need-more") return null;
      if (segment.id !== ID.Segment) return b;
      at += segment.headerSize;
      for (;;) {
        const h = parseElementHeader(b, at, 0);
        if (h === "need-more") return null;
        if (h.id === ID.Cluster || h.size === null) return b;
        const end = at + h.headerSize + h.size;
        if (end > b.length) return null;
        if (h.id === ID.Info) return this.#insert(b, h, end);
        at = end;
      }
    } catch (e) {
      if (e instanceof SyntaxError) return b;
      throw e;
    }
  }

  #insert(b: Uint8Array, info: ElementHeader, end: number): Uint8Array {
    let scaleNs = 1_000_000;
    const payload = b.subarray(info.offset + info.headerSize, end);
    for (let at = 0; at < payload.length;) {
      const h = parseElementHeader(payload, at, 0);
      if (h === "need-more" || h.size === null) return b;
      const v = payload.subarray(at + h.headerSize, at + h.headerSize + h.size);
      if (h.id === ID.Duration && readFloat(v) > 0) return b; // the muxer wrote one
      if (h.id === ID.TimecodeScale) scaleNs = readUint(v) || scaleNs;
      at += h.headerSize + h.size;
    }
    // Info's size field, rewritten with the same length.
    const idLength = info.id >= 0x1000000 ? 4 : 3;
    const sizeLength = info.headerSize - idLength;
    const size = info.size! + DURATION_BYTES;
    if (size >= 2 ** (7 * sizeLength) - 1) return b;
    const out = new Uint8Array(b.length + DURATION_BYTES);
    out.set(b.subarray(0, end));
    let v = size;
    for (let i = sizeLength - 1; i >= 0; i--) {
      out[info.offset + idLength + i] = v % 256;
      v = Math.floor(v / 256);
    }
    out[info.offset + idLength] |= 0x80 >> (sizeLength - 1);
    out.set([0x44, 0x89, 0x88], end);
    out.set(floatBytes((this.#durationMs() * 1e6) / scaleNs, 8), end + 3);
    out.set(b.subarray(end), end + DURATION_BYTES);
    return out;
  }
}
