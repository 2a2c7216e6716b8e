// eyrie's access-unit stream: how encoded frames travel between devices over
// one TLS 1.3 connection. Each access unit is a fixed 32-byte header and its
// payload (an Annex-B H.264 access unit or a whole JPEG). All fields are big
// endian (network order), each 64-bit field on an 8-byte boundary.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +---------------------------------------------------------------+
// |                   magic 0x45794155 ("EyAU")                   |  0
// +---------------+---------------+---------------+---------------+
// |  version = 1  |     flags     |    format     |  reserved = 0 |  4
// +---------------+---------------+---------------+---------------+
// |              sequence (uint32, wraps, +1 per AU)              |  8
// +---------------------------------------------------------------+
// |              payload size (uint32, 1 .. format bound)         | 12
// +---------------------------------------------------------------+
// |                    pts (int64, nanoseconds)                   | 16
// |                                                               |
// +---------------------------------------------------------------+
// |       capture time (int64, sender's monotonic nanoseconds)    | 24
// |                                                               |
// +---------------------------------------------------------------+
// |                      payload (size bytes)                     | 32
//
// flags are WireFlags (KEYFRAME 1, DISCONT 2, CONFIG 4); other bits must be 0.
// format is a WireFormat: H264 (16) or JPEG (17). The
// sequence counts every AU the sender was offered, so a gap at the receiver
// is an AU the sender dropped. A header that breaks any rule ends the stream:
// TLS already guarantees the bytes arrived as sent, so a bad header means a
// peer that does not speak this protocol, and TCP offers no place to resync.
//
// The other direction carries one thing: once the receiver has admitted the
// sender (certificate verified, not revoked), it writes an 8-byte greeting,
// the magic, the version and 3 zero bytes. Under TLS 1.3 the client's
// handshake ends before the server has judged the client's certificate, so
// without it a refused sender could not tell refusal from a slow network.

import { MAX_ACCESS_UNIT_BYTES } from "../rtp/h264/mod.ts";
import { MAX_JPEG_BYTES } from "../rtp/jpeg/mod.ts";

/** "EyAU". */
export const FRAME_MAGIC = 0x45794155;
/** The only version this code writes and reads. */
export const FRAME_VERSION = 1;
/** Bytes of the header before each payload. */
export const FRAME_HEADER_BYTES = 32;
/**
 * Flag bits of version 1. They are this protocol's own numbers; they equal
 * the ring's FrameFlags so the actors pass them through unchanged (a test
 * holds the two together), but the wire does not depend on the ring.
 */
export const WireFlags = {
  /** An H.264 IDR access unit, or any JPEG frame. */
  KEYFRAME: 1,
  /** The first access unit after a gap at the sender. */
  DISCONT: 2,
  /** The access unit carries SPS/PPS. */
  CONFIG: 4,
} as const;

/** Flag bits version 1 defines; any other bit is an error. */
export const KNOWN_FLAGS = WireFlags.KEYFRAME | WireFlags.DISCONT | WireFlags.CONFIG;

/** Payload formats of version 1 (the ring's FrameFormat numbers, held together by a test). */
export const WireFormat = { H264: 16, JPEG: 17 } as const;
/** The encoded formats an access-unit stream carries. */
export type WireFormat = typeof WireFormat[keyof typeof WireFormat];

/**
 * Largest payload per format: the bounds eyrie applies to these formats
 * everywhere (8 MiB per H.264 AU as mediacommon; 16 MiB per JPEG, more than
 * RTP can carry). A peer cannot make a receiver allocate more than this.
 */
export const MAX_PAYLOAD_BYTES: Readonly<Record<WireFormat, number>> = {
  [WireFormat.H264]: MAX_ACCESS_UNIT_BYTES,
  [WireFormat.JPEG]: MAX_JPEG_BYTES,
};

/** Largest payload of any format. */
export const MAX_ANY_PAYLOAD_BYTES = Math.max(MAX_ACCESS_UNIT_BYTES, MAX_JPEG_BYTES);

/** 2^63: timestamps must lie strictly inside ±2^63 ns to fit an int64. */
export const MAX_TIMESTAMP_NS = 2 ** 63;

/** One access unit with the metadata that travels with it. */
export interface AccessUnit {
  /** WireFlags bits. */
  flags: number;
  format: WireFormat;
  /** Presentation time in nanoseconds. */
  ptsNs: number;
  /** When the sender captured it, on the sender's monotonic clock, in nanoseconds. */
  captureNs: number;
  data: Uint8Array;
}

/** An {@linkcode AccessUnit} with its sequence number: what one frame on the wire holds. */
export interface NumberedAccessUnit extends AccessUnit {
  /** uint32; the sender adds one per AU it was offered, sent or dropped. */
  seq: number;
}

/** Why a stream was refused: a closed set, each with a message quoting the value. */
export type FrameErrorReason =
  | "bad_magic"
  | "bad_version"
  | "unknown_flags"
  | "unknown_format"
  | "reserved"
  | "empty"
  | "too_large";

/** True for the formats {@linkcode WireFormat} names. */
export function isWireFormat(format: number): format is WireFormat {
  return format === WireFormat.H264 || format === WireFormat.JPEG;
}
