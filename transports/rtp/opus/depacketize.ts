/**
 * Opus out of RTP (RFC 7587): each RTP packet carries one whole Opus packet
 * (RFC 6716), so there is nothing to reassemble; what is left is to check
 * the packet, follow one stream (SSRC) and place each Opus packet on a
 * timeline: the RTP timestamp (48 kHz) extended past its wrap, counted
 * from the stream's first packet. Pure: bytes in, a value out, no clock.
 *
 * No reordering: a packet that comes after a later one (or twice) is
 * dropped and counted as late. A lost packet shows as a gap in `samples`
 * (a decoder conceals it) and as `discont` on the next one.
 *
 * @module
 */
import {
  type DepacketizerStats,
  type DroppedResult,
  type DropReason,
  emptyDepacketizerStats,
} from "../depacketizer.ts";
import { emptyRtpHeader, parseRtpHeader } from "../header.ts";

/**
 * Largest Opus payload accepted. Reason: RFC 6716 §3.2.1 bounds a frame at
 * 1275 bytes and §3.2.5 a packet at 120 ms; six 20 ms frames are 7650 bytes
 * (browsers send one 20 ms frame of ~100 bytes).
 */
export const MAX_OPUS_PAYLOAD_BYTES = 6 * 1275;
/**
 * A jump in sequence numbers past this is taken as a new start, not a loss.
 * Reason: RFC 3550 A.1's MAX_DROPOUT.
 */
const MAX_DROPOUT = 3000;

/** One Opus packet from the network, on its stream's timeline; overwritten by the next push. */
export interface OpusFrame {
  readonly kind: "frame";
  /** The Opus packet: a view into the RTP packet pushed. */
  readonly data: Uint8Array;
  readonly timestamp: number;
  /** 48 kHz samples since the stream's first packet (RTP timestamps extended past 2^32). */
  readonly samples: number;
  /** Packets were lost just before this one, or the stream started again (new SSRC, a jump). */
  readonly discont: boolean;
}

export type OpusResult = OpusFrame | DroppedResult;

export interface OpusDepacketizerOptions {
  /** The payload type negotiated for Opus (any, when null). */
  payloadType: number | null;
}

export class OpusDepacketizer {
  readonly stats: DepacketizerStats = emptyDepacketizerStats();
  readonly #payloadType: number | null;
  readonly #header = emptyRtpHeader();
  #ssrc = -1;
  #lastSeq = 0;
  #lastTimestamp = 0;
  /** Extended samples of the last packet, and of the first packet of the current stream. */
  #samples = 0;
  /** The results handed out, overwritten by the next push (nothing allocated per packet). */
  readonly #frame = {
    kind: "frame" as const,
    data: new Uint8Array(0) as Uint8Array,
    timestamp: 0,
    samples: 0,
    discont: false,
  };
  readonly #dropped: { kind: "dropped"; reason: DropReason; timestamp: number } = {
    kind: "dropped",
    reason: "malformed",
    timestamp: 0,
  };

  constructor(options: OpusDepacketizerOptions) {
    const pt = options.payloadType;
    if (pt !== null && (!Number.isInteger(pt) || pt < 0 || pt > 127)) {
      throw new RangeError(`An RTP payload type is 0 to 127, got ${pt}`);
    }
    this.#payloadType = pt;
  }

  /** Takes one RTP packet; never throws for what the network sends. */
  push(packet: Uint8Array): OpusResult {
    this.stats.packets++;
    const h = this.#header;
    try {
      parseRtpHeader(packet, h);
    } catch {
      return this.#malformed(0);
    }
    if (this.#payloadType !== null && h.payloadType !== this.#payloadType) {
      return this.#malformed(h.timestamp);
    }
    if (h.payloadLength < 1 || h.payloadLength > MAX_OPUS_PAYLOAD_BYTES) {
      return this.#malformed(h.timestamp);
    }
    let discont = false;
    if (h.ssrc !== this.#ssrc) {
      // A new stream (the first, or the sender started again): a timeline of its own.
      discont = this.#ssrc !== -1;
      this.#ssrc = h.ssrc;
      this.#samples = discont ? this.#samples + 960 : 0;
    } else {
      const step = (h.sequenceNumber - this.#lastSeq) & 0xffff;
      if (step === 0 || step > 0x8000) {
        // Behind the newest packet seen, or the same again.
        if (0x10000 - step <= MAX_DROPOUT || step === 0) {
          this.stats.late++;
          return this.#drop("late", h.timestamp);
        }
      }
      if (step > MAX_DROPOUT) {
        discont = true;
        this.#samples += 960;
      } else {
        if (step > 1) {
          this.stats.lost += step - 1;
          discont = true;
        }
        // The timestamp moves forward by what was sent; one that goes back is a new origin.
        const delta = (h.timestamp - this.#lastTimestamp) >>> 0;
        this.#samples += delta < 0x8000_0000 ? delta : 960;
      }
    }
    this.#lastSeq = h.sequenceNumber;
    this.#lastTimestamp = h.timestamp;
    this.stats.frames++;
    const f = this.#frame;
    f.data = packet.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength);
    f.timestamp = h.timestamp;
    f.samples = this.#samples;
    f.discont = discont;
    return f;
  }

  #malformed(timestamp: number): DroppedResult {
    this.stats.malformed++;
    return this.#drop("malformed", timestamp);
  }

  #drop(reason: DropReason, timestamp: number): DroppedResult {
    this.stats.dropped++;
    this.#dropped.reason = reason;
    this.#dropped.timestamp = timestamp;
    return this.#dropped;
  }
}
