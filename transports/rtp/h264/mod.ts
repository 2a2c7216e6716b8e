/**
 * RFC 6184 (RTP payload format for H.264), packetization-mode=1:
 * {@linkcode H264Payloader} turns Annex-B access units into payloads,
 * {@linkcode H264Depacketizer} rebuilds access units from packets,
 * {@linkcode splitAnnexB} and {@linkcode parseSps} read the bitstream.
 *
 * @module
 */
export {
  H264Payloader,
  type H264PayloaderOptions,
  MIN_H264_MTU,
  UDP_MTU,
  WEBRTC_MTU,
} from "./packetize.ts";
export { H264Depacketizer, type H264DepacketizerOptions } from "./depacketize.ts";
export {
  findParameterSets,
  isKeyframe,
  MAX_ACCESS_UNIT_BYTES,
  MAX_NALS_PER_AU,
  NalType,
  NalUnits,
  splitAnnexB,
} from "./annexb.ts";
export { MAX_SPS_BYTES, parseSps, type SpsInfo } from "./sps.ts";
export { ParameterSetOrder } from "./parameter_order.ts";
