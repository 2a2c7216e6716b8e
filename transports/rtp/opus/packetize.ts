/**
 * RTP payload format for Opus (RFC 7587): one Opus packet per RTP packet,
 * as it is, the timestamp on a 48 kHz clock whatever the coded rate (§4.1),
 * the marker bit on the first packet after a gap (a talkspurt, RFC 3551
 * §4.1). Pure: bytes in, a packet out; sequence and timestamp are handed in.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp (48 kHz)                  |
 * |                             SSRC                              |
 * |                   Opus packet (RFC 6716) ...                  |
 * ```
 *
 * @module
 */
import { RTP_HEADER_BYTES, writeRtpHeader } from "../header.ts";

/** Opus's RTP clock rate, always (RFC 7587 §4.1). */
export const OPUS_CLOCK_RATE = 48_000;
/** The dynamic payload type eyrie offers for Opus (browsers use 111 too). */
export const OPUS_PAYLOAD_TYPE = 111;
/**
 * Largest Opus packet carried. Reason: RFC 6716 §3.2.1 bounds a frame at
 * 1275 bytes; eyrie sends one 20 ms frame per packet.
 */
export const MAX_OPUS_PACKET_BYTES = 1275;

/** The RTP timestamp of a packet captured at `ptsNs` (ring clock), with a random `offset`. */
export function opusTimestamp(ptsNs: number, offset: number): number {
  // ns / 1e9 first: ns × 48000 would pass 2^53 for a wall-clock-based pts.
  return (offset + Math.round(ptsNs / 1e9 * OPUS_CLOCK_RATE)) % 0x1_0000_0000;
}

/** Writes one RTP packet carrying `opus` into `out` and returns its length. */
export function packetizeOpus(
  out: Uint8Array,
  opus: Uint8Array,
  header: { sequenceNumber: number; timestamp: number; ssrc: number; marker: boolean },
): number {
  if (opus.length > MAX_OPUS_PACKET_BYTES) {
    throw new RangeError(
      `An Opus packet is at most ${MAX_OPUS_PACKET_BYTES} bytes, got ${opus.length}`,
    );
  }
  const at = writeRtpHeader(out, { ...header, payloadType: OPUS_PAYLOAD_TYPE });
  if (out.length < at + opus.length) {
    throw new RangeError(
      `The buffer has ${out.length} bytes, the packet needs ${at + opus.length}`,
    );
  }
  out.set(opus, at);
  return RTP_HEADER_BYTES + opus.length;
}
