/**
 * Forward error correction for WebRTC video: RED (RFC 2198) carrying the
 * media and ULPFEC (RFC 5109) packets, as Chromium receives them.
 *
 * @module
 */
export { RED_HEADER_BYTES, redFromMedia } from "./red.ts";
export {
  fecCount,
  ULPFEC_HEADER_BYTES,
  ULPFEC_MAX_MEDIA,
  ULPFEC_MAX_PACKET_BYTES,
  UlpfecGroup,
  ulpfecHeaderBytes,
} from "./ulpfec.ts";
