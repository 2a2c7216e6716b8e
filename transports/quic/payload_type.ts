import { WireFormat } from "../tls/frame.ts";

/** Dynamic payload type of H.264 on eyrie's QUIC flow (RFC 6184 has no static one). */
export const H264_PAYLOAD_TYPE = 96;
/** RFC 3551's static payload type of JPEG (RFC 2435). */
export const JPEG_PAYLOAD_TYPE = 26;

/** The RTP payload type a format travels with. */
export function payloadTypeOf(format: WireFormat): number {
  return format === WireFormat.H264 ? H264_PAYLOAD_TYPE : JPEG_PAYLOAD_TYPE;
}

/** The format of a payload type; null for one eyrie does not send. */
export function formatOfPayloadType(pt: number): WireFormat | null {
  return pt === H264_PAYLOAD_TYPE
    ? WireFormat.H264
    : pt === JPEG_PAYLOAD_TYPE
    ? WireFormat.JPEG
    : null;
}
