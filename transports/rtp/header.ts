// RTP fixed header, RFC 3550 section 5.1:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           timestamp                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           synchronization source (SSRC) identifier            |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |            contributing source (CSRC) identifiers             |
// |                             ....                              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Header extension (X=1), section 5.3.1:
// |      defined by profile       |           length              |
// |                        header extension                       |
// Padding (P=1): the last payload octet counts the padding octets, itself included.

/** Bytes of the fixed RTP header, and of the space every packetizer reserves for it. */
export const RTP_HEADER_BYTES = 12;

/**
 * Largest RTP packet accepted. Reason: a UDP datagram over IPv4 carries at
 * most 65,507 bytes, so nothing longer can arrive from the network.
 */
export const MAX_RTP_PACKET_BYTES = 65_507;

/** Fields of an RTP header, as written by {@linkcode writeRtpHeader}. */
export interface RtpHeaderInit {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Contributing sources, at most 15. */
  csrcs?: readonly number[];
}

/** A parsed RTP header. Offsets index the packet it was parsed from. */
export interface RtpHeader {
  padding: boolean;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** CSRCs start at byte 12; read one with {@linkcode rtpCsrc}. */
  csrcCount: number;
  /** The profile word of the header extension, or -1 when there is none. */
  extensionProfile: number;
  /** Where the extension's data starts, after its 4-byte preamble. */
  extensionOffset: number;
  extensionLength: number;
  payloadOffset: number;
  /** Payload bytes without padding. */
  payloadLength: number;
  paddingLength: number;
}

/** An empty header to pass to {@linkcode parseRtpHeader} for reuse. */
export function emptyRtpHeader(): RtpHeader {
  return {
    padding: false,
    marker: false,
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    csrcCount: 0,
    extensionProfile: -1,
    extensionOffset: 0,
    extensionLength: 0,
    payloadOffset: 0,
    payloadLength: 0,
    paddingLength: 0,
  };
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`RTP ${name} must be an integer from 0 to ${max}, got ${value}`);
  }
}

/**
 * Writes the header into `buf` at 0 and returns its length (12 plus 4 per
 * CSRC). Validates every field: a header is written once per packet, and a
 * wrong value would otherwise be masked into a different valid one.
 */
export function writeRtpHeader(buf: Uint8Array, header: RtpHeaderInit): number {
  const csrcs = header.csrcs;
  const cc = csrcs === undefined ? 0 : csrcs.length;
  checkUint("payload type", header.payloadType, 127);
  checkUint("sequence number", header.sequenceNumber, 0xffff);
  checkUint("timestamp", header.timestamp, 0xffff_ffff);
  checkUint("SSRC", header.ssrc, 0xffff_ffff);
  checkUint("CSRC count", cc, 15);
  const bytes = RTP_HEADER_BYTES + 4 * cc;
  if (buf.length < bytes) {
    throw new RangeError(`An RTP header needs ${bytes} bytes, the buffer has ${buf.length}`);
  }
  buf[0] = 0x80 | cc;
  buf[1] = (header.marker ? 0x80 : 0) | header.payloadType;
  stampRtpHeader(buf, header.sequenceNumber, header.timestamp, header.ssrc);
  for (let i = 0; i < cc; i++) {
    const c = csrcs![i];
    checkUint("CSRC", c, 0xffff_ffff);
    writeU32(buf, 12 + 4 * i, c);
  }
  return bytes;
}

// The packetizer's hot-path writer: sequence, timestamp and SSRC only,
// values already known to be in range. Leaves bytes 0 and 1 alone.
export function stampRtpHeader(buf: Uint8Array, seq: number, timestamp: number, ssrc: number) {
  buf[2] = seq >>> 8;
  buf[3] = seq & 0xff;
  writeU32(buf, 4, timestamp);
  writeU32(buf, 8, ssrc);
}

function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v >>> 24;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

function readU32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

/**
 * Parses and bounds-checks an RTP header. Pass `into` to reuse one object
 * per receiver instead of allocating per packet. Throws SyntaxError for
 * anything that is not a well-formed RTP version 2 packet.
 */
export function parseRtpHeader(packet: Uint8Array, into?: RtpHeader): RtpHeader {
  const len = packet.length;
  if (len < RTP_HEADER_BYTES) {
    throw new SyntaxError(`An RTP packet needs at least 12 bytes, got ${len}`);
  }
  if (len > MAX_RTP_PACKET_BYTES) {
    throw new SyntaxError(`An RTP packet of ${len} bytes exceeds ${MAX_RTP_PACKET_BYTES}`);
  }
  const b0 = packet[0];
  if (b0 >> 6 !== 2) throw new SyntaxError(`RTP version must be 2, got ${b0 >> 6}`);
  const h = into ?? emptyRtpHeader();
  const cc = b0 & 0x0f;
  let off = RTP_HEADER_BYTES + 4 * cc;
  if (off > len) {
    throw new SyntaxError(`RTP header with ${cc} CSRCs needs ${off} bytes, got ${len}`);
  }
  h.extensionProfile = -1;
  h.extensionOffset = 0;
  h.extensionLength = 0;
  if (b0 & 0x10) {
    if (off + 4 > len) throw new SyntaxError(`RTP header extension is cut off at byte ${len}`);
    const words = (packet[off + 2] << 8) | packet[off + 3];
    h.extensionProfile = (packet[off] << 8) | packet[off + 1];
    h.extensionOffset = off + 4;
    h.extensionLength = words * 4;
    off += 4 + words * 4;
    if (off > len) {
      throw new SyntaxError(`RTP header extension of ${words} words overruns a ${len}-byte packet`);
    }
  }
  let pad = 0;
  if (b0 & 0x20) {
    pad = len > off ? packet[len - 1] : 0;
    if (pad === 0 || off + pad > len) {
      throw new SyntaxError(`RTP padding of ${pad} bytes does not fit a ${len - off}-byte payload`);
    }
  }
  h.padding = (b0 & 0x20) !== 0;
  h.marker = (packet[1] & 0x80) !== 0;
  h.payloadType = packet[1] & 0x7f;
  h.sequenceNumber = (packet[2] << 8) | packet[3];
  h.timestamp = readU32(packet, 4);
  h.ssrc = readU32(packet, 8);
  h.csrcCount = cc;
  h.payloadOffset = off;
  h.payloadLength = len - off - pad;
  h.paddingLength = pad;
  return h;
}

/** The `index`-th CSRC of a packet that {@linkcode parseRtpHeader} accepted. */
export function rtpCsrc(packet: Uint8Array, index: number): number {
  const count = packet.length >= RTP_HEADER_BYTES ? packet[0] & 0x0f : 0;
  if (!Number.isInteger(index) || index < 0 || index >= count || 16 + 4 * index > packet.length) {
    throw new RangeError(`CSRC index must be 0 to ${count - 1}, got ${index}`);
  }
  return readU32(packet, 12 + 4 * index);
}
