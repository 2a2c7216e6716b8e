/**
 * RFC 5109 ULPFEC packets for a group of media packets of one SSRC, as
 * WebRTC sends them inside RED (red.ts): one protection level, a 16-bit
 * mask (L = 0) for groups of up to 16 packets, 48 bits (L = 1) up to 48.
 * Each FEC packet is the XOR of the media packets its mask names: their
 * first two header bytes, timestamps, lengths and everything after the
 * 12-byte fixed header (CSRCs, header extensions, payload, padding), which
 * is what libwebrtc's receiver rebuilds a lost packet from.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |E|L|P|X|  CC   |M| PT recovery |            SN base            |   FEC header, RFC 5109 7.3
 * |                          TS recovery                          |
 * |        length recovery        |       protection length       |   level 0 header, 7.4
 * |             mask              |   mask cont. (L = 1) …        |
 * |         … mask cont.          |   XOR of the protected bytes …|
 * ```
 *
 * The masks interleave: of `m` FEC packets for `k` media packets, FEC
 * packet `j` protects media packets `i` with `i mod m = j`. Every media
 * packet is in exactly one mask, so any one loss in a group is recovered,
 * and so is any burst of up to `m` consecutive losses.
 *
 * Pure: the group copies the packets it is given into storage it made
 * once, and writes FEC packets into the caller's buffer.
 *
 * @module
 */

/** Most media packets one FEC packet can name: a 48-bit mask (RFC 5109 7.4, L = 1). */
export const ULPFEC_MAX_MEDIA = 48;
/** A 16-bit mask (L = 0) names up to 16 packets. */
const SHORT_MASK_MEDIA = 16;
/** FEC header (10) and level 0 header with a short mask (4) or a long one (8). */
export const ULPFEC_HEADER_BYTES = 10;
const RTP_FIXED_HEADER = 12;
/** Largest media packet a group protects: an Ethernet MTU (bigger packets go out unprotected). */
export const ULPFEC_MAX_PACKET_BYTES = 1500;

/**
 * The FEC packets for `media` packets at `protection` (FEC packets per
 * media packet, 0–1]: rounded to the nearest, at least one (as libwebrtc's
 * ULPFEC generator rounds; rounding up made a 5-packet frame at 0.25 cost
 * two FEC packets, 40 %).
 */
export function fecCount(media: number, protection: number): number {
  if (media <= 0) return 0;
  if (!(protection > 0 && protection <= 1)) {
    throw new RangeError(`A protection of ${protection}; it must be in (0, 1]`);
  }
  return Math.min(media, Math.max(1, Math.round(media * protection)));
}

/** The length of an ULPFEC packet's headers for a group of `media` packets. */
export function ulpfecHeaderBytes(media: number): number {
  return ULPFEC_HEADER_BYTES + (media > SHORT_MASK_MEDIA ? 8 : 4);
}

/** A group of consecutive media packets (sequence numbers base, base + 1, …) to protect. */
export class UlpfecGroup {
  /** 72 KB, made at the first packet: a viewer that never gets FEC never pays for it. */
  #store: Uint8Array | null = null;
  readonly #lengths = new Int32Array(ULPFEC_MAX_MEDIA);
  #count = 0;
  #base = 0;

  /** Media packets in the group. */
  get count(): number {
    return this.#count;
  }

  /** The first packet's sequence number. */
  get baseSeq(): number {
    return this.#base;
  }

  /** Whether another packet fits. */
  get full(): boolean {
    return this.#count === ULPFEC_MAX_MEDIA;
  }

  /** Empties the group. */
  reset(): void {
    this.#count = 0;
  }

  /**
   * Adds the RTP packet `buf[at .. at + length)` (as the receiver will
   * rebuild it: the media payload type, no RED header). Its sequence
   * number must follow the last one's. RangeError when it does not fit.
   */
  add(buf: Uint8Array, at: number, length: number): void {
    if (length < RTP_FIXED_HEADER || length > ULPFEC_MAX_PACKET_BYTES) {
      throw new RangeError(`A ${length}-byte packet; ULPFEC protects 12–1500 bytes`);
    }
    if (this.full) throw new RangeError(`A group holds at most ${ULPFEC_MAX_MEDIA} packets`);
    const seq = (buf[at + 2] << 8) | buf[at + 3];
    if (this.#count === 0) this.#base = seq;
    else if (seq !== ((this.#base + this.#count) & 0xffff)) {
      throw new RangeError(
        `Sequence number ${seq} does not follow ${(this.#base + this.#count - 1) & 0xffff}`,
      );
    }
    this.#store ??= new Uint8Array(ULPFEC_MAX_MEDIA * ULPFEC_MAX_PACKET_BYTES);
    this.#store.set(buf.subarray(at, at + length), this.#count * ULPFEC_MAX_PACKET_BYTES);
    this.#lengths[this.#count++] = length;
  }

  /**
   * Writes FEC packet `j` of `m` for the group (the ULPFEC packet, what
   * follows the RED header) at `out[at ..)`; returns its length. `out`
   * must have room for ulpfecHeaderBytes(count) + the longest packet − 12.
   */
  writeFec(j: number, m: number, out: Uint8Array, at: number): number {
    const k = this.#count;
    if (k === 0 || m < 1 || m > k || j < 0 || j >= m) {
      throw new RangeError(`FEC packet ${j} of ${m} for ${k} media packets`);
    }
    const head = ulpfecHeaderBytes(k);
    let protectionLength = 0;
    for (let i = j; i < k; i += m) {
      protectionLength = Math.max(protectionLength, this.#lengths[i] - RTP_FIXED_HEADER);
    }
    if (at + head + protectionLength > out.length) {
      throw new RangeError(`No room for a ${head + protectionLength}-byte FEC packet`);
    }
    out.fill(0, at, at + head + protectionLength);
    const store = this.#store!;
    let lengthRecovery = 0;
    for (let i = j; i < k; i += m) {
      const p = i * ULPFEC_MAX_PACKET_BYTES;
      const len = this.#lengths[i];
      out[at] ^= store[p];
      out[at + 1] ^= store[p + 1];
      for (let b = 4; b < 8; b++) out[at + b] ^= store[p + b];
      lengthRecovery ^= len - RTP_FIXED_HEADER;
      const dst = at + head - RTP_FIXED_HEADER;
      for (let b = RTP_FIXED_HEADER; b < len; b++) out[dst + b] ^= store[p + b];
      // Mask bit i (from the most significant bit of the first mask byte) names SN base + i.
      out[at + 12 + (i >> 3)] |= 0x80 >> (i & 7);
    }
    // E = 0; L; P, X, CC recovered from byte 0's low six bits.
    out[at] = (out[at] & 0x3f) | (k > SHORT_MASK_MEDIA ? 0x40 : 0);
    out[at + 2] = this.#base >>> 8;
    out[at + 3] = this.#base & 255;
    out[at + 8] = lengthRecovery >>> 8;
    out[at + 9] = lengthRecovery & 255;
    out[at + 10] = protectionLength >>> 8;
    out[at + 11] = protectionLength & 255;
    return head + protectionLength;
  }
}
