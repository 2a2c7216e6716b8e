/**
 * One viewer's copy of a camera RTP packet: this viewer's payload type,
 * SSRC, sequence number and timestamp, and the header extensions the
 * browser negotiated (RTP stream `mid`, `abs-send-time`), written into a
 * buffer the caller owns. What werift's RTCRtpSender does per packet
 * (parse into objects, rewrite, serialize), as byte writes. Pure.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |   RFC 3550 5.1
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |      0xBE     |      0xDE     |     length (32-bit words)     |   RFC 8285 4.2
 * |  ID   |  L-1  |  mid …        |  ID   |  L-1  | abs-send-time |   one-byte elements,
 * |   abs-send-time (24 bits) …   |     padding (zeros) to a word |   sorted by ID
 * |                          payload …                            |
 * ```
 *
 * The camera's own CSRCs and extensions are dropped (the packetizer writes
 * none); its marker bit, padding bit and payload (padding included) are kept.
 *
 * @module
 */

/** Extension URIs eyrie writes (RFC 8843 `mid`; abs-send-time from webrtc.org). */
export const MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";
export const ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

/** RFC 8285 one-byte elements: IDs 1–14, 1–16 bytes of data. */
const MAX_ONE_BYTE_ID = 14;
const MAX_MID_BYTES = 16;
const FIXED_HEADER = 12;
/** Extension block at most: 4 (profile, length) + (1 + 16) + (1 + 3), padded: 28. */
export const MAX_EXTENSION_BYTES = 28;

/** What a viewer's packets carry, from its negotiation. */
export interface RewriteParams {
  payloadType: number;
  ssrc: number;
  /** The `mid` element (ID and the mid's bytes), or null if not negotiated. */
  mid: { id: number; value: Uint8Array } | null;
  /** The abs-send-time element's ID, or null if not negotiated. */
  absSendTimeId: number | null;
}

/** Checks the negotiated extension IDs and mid: RangeError if they cannot be written. */
export function checkRewriteParams(p: RewriteParams): RewriteParams {
  for (const id of [p.mid?.id, p.absSendTimeId]) {
    if (id !== undefined && id !== null && (id < 1 || id > MAX_ONE_BYTE_ID)) {
      throw new RangeError(`Header extension ID ${id} is not a one-byte ID (1–14)`);
    }
  }
  if (p.mid !== null && (p.mid.value.length < 1 || p.mid.value.length > MAX_MID_BYTES)) {
    throw new RangeError(`A mid of ${p.mid.value.length} bytes`);
  }
  return p;
}

/**
 * Where the payload of the RTP packet at `src[start..start+length)` starts,
 * counted from `start`, or -1 if it is not one.
 */
export function payloadOffset(src: Uint8Array, start: number, length: number): number {
  if (length < FIXED_HEADER || src[start] >> 6 !== 2) return -1;
  const b0 = src[start];
  let at = FIXED_HEADER + 4 * (b0 & 0x0f);
  if ((b0 & 0x10) !== 0) {
    if (length < at + 4) return -1;
    at += 4 + 4 * ((src[start + at + 2] << 8) | src[start + at + 3]);
  }
  return at <= length ? at : -1;
}

/**
 * Bytes the viewer's header takes for these params: the fixed header and
 * the extension block.
 */
export function headerBytes(p: RewriteParams): number {
  let elements = 0;
  if (p.mid !== null) elements += 1 + p.mid.value.length;
  if (p.absSendTimeId !== null) elements += 1 + 3;
  return FIXED_HEADER + (elements === 0 ? 0 : 4 + ((elements + 3) & ~3));
}

/**
 * abs-send-time (24 bits): seconds as 6.18 fixed point, modulo 64 s, from
 * NTP time in ms (any epoch works modulo 64 s; the browser only reads
 * differences).
 */
export function absSendTime(ms: number): number {
  return Math.floor((ms * 262.144) % (64 * 262_144)) & 0xffffff;
}

/**
 * Writes the viewer's packet for `src[start..start+length)` into `out`
 * with `seq`, `timestamp` and `sendTime` (absSendTime()); returns its
 * length (its payload starts at headerBytes(p)), or -1 when the source is
 * not an RTP packet. `out` must hold headerBytes(p) + the payload.
 */
export function rewriteRtp(
  src: Uint8Array,
  start: number,
  length: number,
  out: Uint8Array,
  p: RewriteParams,
  seq: number,
  timestamp: number,
  sendTime: number,
): number {
  const from = payloadOffset(src, start, length);
  if (from < 0) return -1;
  const head = headerBytes(p);
  const hasExt = head > FIXED_HEADER;
  out[0] = 0x80 | (src[start] & 0x20) | (hasExt ? 0x10 : 0);
  out[1] = (src[start + 1] & 0x80) | (p.payloadType & 0x7f);
  out[2] = (seq >>> 8) & 255;
  out[3] = seq & 255;
  out[4] = timestamp >>> 24;
  out[5] = (timestamp >>> 16) & 255;
  out[6] = (timestamp >>> 8) & 255;
  out[7] = timestamp & 255;
  out[8] = p.ssrc >>> 24;
  out[9] = (p.ssrc >>> 16) & 255;
  out[10] = (p.ssrc >>> 8) & 255;
  out[11] = p.ssrc & 255;
  if (hasExt) {
    out[12] = 0xbe;
    out[13] = 0xde;
    const words = (head - FIXED_HEADER - 4) >> 2;
    out[14] = words >>> 8;
    out[15] = words & 255;
    let at = 16;
    const mid = p.mid;
    const abs = p.absSendTimeId;
    const midFirst = mid !== null && (abs === null || mid.id < abs);
    if (midFirst) at = writeMid(out, at, mid);
    if (abs !== null) {
      out[at++] = (abs << 4) | 2;
      out[at++] = sendTime >>> 16;
      out[at++] = (sendTime >>> 8) & 255;
      out[at++] = sendTime & 255;
    }
    if (mid !== null && !midFirst) at = writeMid(out, at, mid);
    while (at < head) out[at++] = 0;
  }
  out.set(src.subarray(start + from, start + length), head);
  return head + length - from;
}

function writeMid(out: Uint8Array, at: number, mid: { id: number; value: Uint8Array }): number {
  out[at++] = (mid.id << 4) | (mid.value.length - 1);
  out.set(mid.value, at);
  return at + mid.value.length;
}
