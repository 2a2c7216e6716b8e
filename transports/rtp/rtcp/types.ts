// RTCP common header, RFC 3550 section 6.4:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|  RC/FMT |       PT      |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// length: the packet's size in 32-bit words minus one.

/** RTCP packet types (RFC 3550, RFC 4585). */
export const RtcpType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
  RTPFB: 205,
  PSFB: 206,
} as const;

/** One reception report block (RFC 3550 6.4.1), 24 bytes. */
export interface ReceptionReport {
  ssrc: number;
  /** Packets lost since the last report, as a fraction × 256. */
  fractionLost: number;
  /** Packets lost since the start, signed 24-bit (duplicates make it negative). */
  cumulativeLost: number;
  /** Highest sequence number received, with 16 bits of wrap count above it. */
  extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp, 0 if none. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s. */
  delaySinceLastSr: number;
}

/** Sender report: the NTP ↔ RTP timestamp pair and what was sent. */
export interface SenderReport {
  type: "sr";
  ssrc: number;
  /** NTP timestamp: seconds since 1900… */
  ntpSeconds: number;
  /** …and the fraction of a second × 2^32. */
  ntpFraction: number;
  /** The RTP timestamp of the same instant. */
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReceptionReport[];
}

export interface ReceiverReport {
  type: "rr";
  ssrc: number;
  reports: ReceptionReport[];
}

/** One SDES chunk; eyrie reads and writes CNAME, and keeps the other items. */
export interface SdesChunk {
  ssrc: number;
  /** Item type (1 CNAME, 2 NAME, …) and text. */
  items: { type: number; text: string }[];
}

export interface SourceDescription {
  type: "sdes";
  chunks: SdesChunk[];
}

export interface Goodbye {
  type: "bye";
  ssrcs: number[];
  reason?: string;
}

/** Picture loss indication (RFC 4585 6.3.1): "send a keyframe". */
export interface PictureLossIndication {
  type: "pli";
  senderSsrc: number;
  mediaSsrc: number;
}

/** Full intra request (RFC 5104 4.3.1): "send a keyframe", with a command sequence number. */
export interface FullIntraRequest {
  type: "fir";
  senderSsrc: number;
  entries: { ssrc: number; seq: number }[];
}

/** Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb). */
export interface Remb {
  type: "remb";
  senderSsrc: number;
  /** Bits per second (mantissa × 2^exponent). */
  bitrate: number;
  ssrcs: number[];
}

/** Generic NACK (RFC 4585 6.2.1): lost sequence numbers. */
export interface Nack {
  type: "nack";
  senderSsrc: number;
  mediaSsrc: number;
  /** The lost sequence numbers, expanded from PID and BLP. */
  lost: number[];
}

/** A packet eyrie does not interpret, kept whole. */
export interface UnknownRtcp {
  type: "unknown";
  payloadType: number;
  /** The 5-bit RC/FMT field. */
  count: number;
  /** The packet after its 4-byte header, padding removed. */
  body: Uint8Array;
}

/** Every RTCP packet eyrie parses and writes. */
export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | PictureLossIndication
  | FullIntraRequest
  | Remb
  | Nack
  | UnknownRtcp;

/** SDES item type of the canonical name. */
export const SDES_CNAME = 1;
