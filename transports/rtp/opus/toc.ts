/**
 * The length of an Opus packet from its TOC byte (RFC 6716 §3.1), for
 * packets that come without a duration (a camera's own, depayloaded). Pure.
 *
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * | config  |s| c |   config: mode, bandwidth and frame size; c: frames code
 * +-+-+-+-+-+-+-+-+   (0: 1 frame, 1 and 2: 2 frames, 3: count in byte 1, bits 0-5)
 * ```
 *
 * @module
 */

/** Samples at 48 kHz of one frame, by config (RFC 6716 Table 2). */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]; // SILK: 10, 20, 40, 60 ms
  if (config < 16) return [480, 960][config & 1]; // Hybrid: 10, 20 ms
  return [120, 240, 480, 960][config & 3]; // CELT: 2.5, 5, 10, 20 ms
}

/**
 * Samples at 48 kHz that `packet` holds, or 0 when it is not a valid Opus
 * packet (empty, a code-3 packet without its count byte, or longer than the
 * 120 ms RFC 6716 §3.2.5 allows).
 */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0];
  const code = toc & 3;
  let frames = code === 0 ? 1 : 2;
  if (code === 3) {
    if (packet.length < 2) return 0;
    frames = packet[1] & 0x3f;
  }
  const samples = frames * frameSamples(toc >> 3);
  return samples > 5760 ? 0 : samples;
}
