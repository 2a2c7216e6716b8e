// Media datagrams (RFC 9221), framed as RTP over QUIC
// (draft-ietf-avtcore-rtp-over-quic, "RTP/RTCP packets in QUIC datagrams"):
//
//  +-------------------------------+------------------------------------+
//  | Flow Identifier (varint, 1-8) | RTP packet (RFC 3550, ≥ 12 bytes)  |
//  +-------------------------------+------------------------------------+
//
// The flow identifier tells RTP sessions of one connection apart. eyrie's
// forward carries one: the camera's video on flow 0 (one byte on the wire).
// RTCP is not sent: keyframe requests travel on the control stream, and
// QUIC's own acknowledgements already tell the sender what the path loses.
import { RTP_HEADER_BYTES } from "../rtp/mod.ts";
import { MAX_VARINT, varintLength, writeVarint } from "./varint.ts";

/** The flow of the camera's video. */
export const VIDEO_FLOW = 0;

/** Bytes a datagram spends before the RTP packet of `flowId`. */
export function datagramOverhead(flowId: number): number {
  return varintLength(flowId);
}

/** Writes the flow identifier at the start of `buf`; the RTP packet goes after the returned offset. */
export function writeDatagramHeader(flowId: number, buf: Uint8Array): number {
  return writeVarint(flowId, buf, 0);
}

/** A parsed datagram: its flow and where its RTP packet starts. */
export interface ParsedDatagram {
  flowId: number;
  offset: number;
}

/**
 * Parses a datagram's framing into `out`. Returns null if it is valid, else
 * why not (a truncated flow identifier, or no room for an RTP header).
 */
export function parseDatagram(bytes: Uint8Array, out: ParsedDatagram): string | null {
  if (bytes.length === 0) return "A datagram of 0 bytes ends inside its flow identifier";
  // The varint inline (RFC 9000 section 16): nothing allocated per datagram.
  const n = 1 << (bytes[0] >> 6);
  if (bytes.length < n) {
    return `A datagram of ${bytes.length} bytes ends inside its flow identifier`;
  }
  let flowId = bytes[0] & 0x3f;
  for (let i = 1; i < n; i++) flowId = flowId * 256 + bytes[i];
  if (flowId > MAX_VARINT) return `A flow identifier of ${n} bytes is past 2^53 - 1`;
  if (bytes.length - n < RTP_HEADER_BYTES) {
    return `A datagram of ${bytes.length} bytes has no room for an RTP header`;
  }
  out.flowId = flowId;
  out.offset = n;
  return null;
}
