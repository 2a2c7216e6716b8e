/**
 * RFC 2198 redundant audio data (RED), as WebRTC uses it for video: one
 * block, the primary, so the RED header is one byte with F = 0 and the
 * block's payload type. A media packet and an ULPFEC packet (ulpfec.ts) go
 * out in RED under one payload type and one sequence space; the block's
 * payload type tells them apart.
 *
 * ```
 *  RTP header (PT = red) ‖ 0|block PT (7 bits) ‖ block: the media payload or the ULPFEC packet
 * ```
 *
 * Pure; writes into the caller's buffer.
 *
 * @module
 */

/** The RED header of a packet of one block (RFC 2198 3: the last block's header is 1 byte). */
export const RED_HEADER_BYTES = 1;

/**
 * Turns the RTP packet at `buf[at + 1 .. at + 1 + length)`, whose header
 * (with its extensions) is `headerBytes` long, into its RED packet at
 * `buf[at .. at + length + 1)`: the header moves one byte down, its payload
 * type becomes `redPt`, and the RED header (the media's payload type) fills
 * the byte between header and payload. Returns the RED packet's length.
 * Writing the media packet one byte in lets the caller protect it (the
 * ULPFEC group needs the packet as the receiver rebuilds it) and send it
 * as RED without copying its payload.
 */
export function redFromMedia(
  buf: Uint8Array,
  at: number,
  headerBytes: number,
  length: number,
  redPt: number,
): number {
  if (headerBytes < 12 || headerBytes > length || at + 1 + length > buf.length) {
    throw new RangeError(`A ${length}-byte RTP packet with a ${headerBytes}-byte header`);
  }
  const mediaPt = buf[at + 2] & 0x7f;
  buf.copyWithin(at, at + 1, at + 1 + headerBytes);
  buf[at + 1] = (buf[at + 1] & 0x80) | (redPt & 0x7f);
  buf[at + headerBytes] = mediaPt;
  return length + RED_HEADER_BYTES;
}
