/**
 * A viewer's ULPFEC packets (transports/rtp/fec) as the direct path sends
 * them (direct_send.ts): the group being protected, and the FEC packets
 * made from it, kept a while so a NACK for one can be answered.
 *
 * Answering NACKs for FEC packets is not optional with H.264: the browser
 * tells whether a frame follows the last one by sequence numbers alone
 * (H.264 has no picture ID), so an FEC packet lost and never resent leaves
 * a gap that stalls every frame after it until the next keyframe. That is
 * why libwebrtc's own sender turns ULPFEC off for H.264 with NACK; eyrie
 * keeps both, and resends FEC packets too.
 *
 * @module
 */
import {
  RED_HEADER_BYTES,
  ULPFEC_MAX_MEDIA,
  ULPFEC_MAX_PACKET_BYTES,
  UlpfecGroup,
  ulpfecHeaderBytes,
} from "../../transports/rtp/fec/mod.ts";
import type { FecPayloadTypes } from "./offer.ts";

/** FEC packets kept for NACKs: at one per four media packets, as many media packets as HISTORY (512). */
export const FEC_HISTORY = 128;
/** One kept FEC packet as a source packet: fixed header, RED header, ULPFEC headers and payload. */
const SLOT_BYTES = 12 + RED_HEADER_BYTES + ulpfecHeaderBytes(ULPFEC_MAX_MEDIA) +
  ULPFEC_MAX_PACKET_BYTES;

export class FecPackets {
  readonly types: FecPayloadTypes;
  readonly group = new UlpfecGroup();
  /** Kept packets, SLOT_BYTES apart; made once (≈ 200 KB) when the session first sends FEC. */
  #store: Uint8Array | null = null;
  readonly #length = new Int32Array(FEC_HISTORY);
  /** Each kept packet's SRTP index (roc · 2^16 + seq) and RTP timestamp as sent. */
  readonly #index = new Float64Array(FEC_HISTORY).fill(-1);
  readonly #timestamp = new Float64Array(FEC_HISTORY);
  #next = 0;

  constructor(types: FecPayloadTypes) {
    this.types = types;
  }

  /**
   * Makes FEC packet `j` of `m` for the group, to be sent as SRTP index
   * `index` with `timestamp`, as a source packet for rewriteRtp() (its
   * payload: the RED header and the ULPFEC packet). Returns its slot.
   */
  make(j: number, m: number, index: number, timestamp: number): number {
    this.#store ??= new Uint8Array(FEC_HISTORY * SLOT_BYTES);
    const slot = this.#next;
    this.#next = (slot + 1) % FEC_HISTORY;
    const at = slot * SLOT_BYTES;
    const s = this.#store;
    s[at] = 0x80; // V = 2, no padding, extension or CSRC: rewriteRtp() writes the viewer's header
    s[at + 1] = 0; // marker 0
    s[at + 12] = this.types.ulpfec;
    this.#length[slot] = 13 + this.group.writeFec(j, m, s, at + 13);
    this.#index[slot] = index;
    this.#timestamp[slot] = timestamp;
    return slot;
  }

  /** The store the kept packets are in (see offset(), length()). */
  get store(): Uint8Array {
    return this.#store!;
  }

  offset(slot: number): number {
    return slot * SLOT_BYTES;
  }

  length(slot: number): number {
    return this.#length[slot];
  }

  timestamp(slot: number): number {
    return this.#timestamp[slot];
  }

  /** Whether `slot` still holds the packet sent as SRTP index `index`. */
  holds(slot: number, index: number): boolean {
    return slot >= 0 && slot < FEC_HISTORY && this.#index[slot] === index;
  }
}
