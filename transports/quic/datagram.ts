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
import { readVarint, type Varint, varintLength, writeVarint } from "./varint.ts";

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

const scratch: Varint = { value: 0, length: 0 };

/**
 * Parses a datagram's framing into `out`. Returns null if it is valid, else
 * why not (a truncated flow identifier, or no room for an RTP header).
 */
export function parseDatagram(bytes: Uint8Array, out: ParsedDatagram): string | null {
  let v: Varint;
  try {
    v = readVarint(bytes, 0, scratch);
  } catch (error) {
    return (error as Error).message;
  }
  if (v.length === 0) return `A datagram of ${bytes.length} bytes ends inside its flow identifier`;
  if (bytes.length - v.length < RTP_HEADER_BYTES) {
    return `A datagram of ${bytes.length} bytes has no room for an RTP header`;
  }
  out.flowId = v.value;
  out.offset = v.length;
  return null;
}
