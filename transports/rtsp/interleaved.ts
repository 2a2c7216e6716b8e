/**
 * Interleaved binary data (RFC 2326 10.12): RTP and RTCP on the RTSP
 * connection itself, each packet behind a 4-byte header. Reading it is the
 * reader's job (reader.ts); this writes it.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * |  "$" = 0x24   |    channel    |     length (bytes, uint16)    |
 * +---------------+---------------+-------------------------------+
 * |                  packet (length bytes) ...                    |
 * ```
 *
 * @module
 */

export const INTERLEAVED_HEADER_BYTES = 4;
/** The 16-bit length field's limit. */
export const MAX_INTERLEAVED_PAYLOAD = 0xffff;

/** Writes the header of a `length`-byte packet on `channel` into `into` at `at`. */
export function writeInterleavedHeader(
  into: Uint8Array,
  at: number,
  frame: { channel: number; length: number },
): void {
  const { channel, length } = frame;
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) {
    throw new RangeError(`An interleaved channel must be 0 to 255, got ${channel}`);
  }
  if (!Number.isInteger(length) || length < 0 || length > MAX_INTERLEAVED_PAYLOAD) {
    throw new RangeError(
      `An interleaved packet must be 0 to ${MAX_INTERLEAVED_PAYLOAD} bytes, got ${length}`,
    );
  }
  into[at] = 0x24;
  into[at + 1] = channel;
  into[at + 2] = length >> 8;
  into[at + 3] = length & 0xff;
}
