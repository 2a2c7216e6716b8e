/**
 * RFC 2435 (RTP payload format for JPEG): {@linkcode JpegPayloader} turns a
 * baseline JPEG into payloads, {@linkcode JpegDepacketizer} rebuilds JPEG
 * files from packets, {@linkcode parseJpeg} reads the headers both need.
 *
 * @module
 */
export {
  JPEG_PAYLOAD_TYPE,
  JpegPayloader,
  type JpegPayloaderOptions,
  MIN_JPEG_MTU,
} from "./packetize.ts";
export { JpegDepacketizer, type JpegDepacketizerOptions } from "./depacketize.ts";
export {
  emptyJpegInfo,
  type JpegInfo,
  MAX_JPEG_BYTES,
  MAX_JPEG_DIMENSION,
  MAX_TRAILING_BYTES,
  parseJpeg,
} from "./parse.ts";
export { makeQuantTables } from "./_tables.ts";
