import { MAX_RTP_PACKET_BYTES } from "../header.ts";
import { type ReceptionReport, type RtcpPacket, RtcpType, type SdesChunk } from "./types.ts";

/**
 * Most packets in one compound packet. Reason: a compound packet fits one
 * datagram, and even 4-byte packets stop at a few thousand; the bound keeps
 * a hostile datagram from making a huge array of tiny objects.
 */
export const MAX_RTCP_PACKETS = 256;

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

const decoder = new TextDecoder();

function reports(b: Uint8Array, at: number, count: number, end: number): ReceptionReport[] {
  if (at + 24 * count > end) {
    throw new SyntaxError(`RTCP report blocks (${count}) overrun their packet`);
  }
  const out: ReceptionReport[] = [];
  for (let i = 0; i < count; i++, at += 24) {
    const lost = (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7];
    out.push({
      ssrc: u32(b, at),
      fractionLost: b[at + 4],
      cumulativeLost: lost & 0x80_0000 ? lost - 0x100_0000 : lost,
      extendedHighestSeq: u32(b, at + 8),
      jitter: u32(b, at + 12),
      lastSr: u32(b, at + 16),
      delaySinceLastSr: u32(b, at + 20),
    });
  }
  return out;
}

function sdes(b: Uint8Array, at: number, count: number, end: number): SdesChunk[] {
  const chunks: SdesChunk[] = [];
  for (let c = 0; c < count; c++) {
    if (at + 4 > end) throw new SyntaxError(`RTCP SDES chunk ${c} is cut off`);
    const chunk: SdesChunk = { ssrc: u32(b, at), items: [] };
    at += 4;
    for (;;) {
      if (at >= end) throw new SyntaxError(`RTCP SDES chunk ${c} has no END item`);
      const type = b[at];
      if (type === 0) break;
      if (at + 2 > end || at + 2 + b[at + 1] > end) {
        throw new SyntaxError(`RTCP SDES item ${type} overruns its packet`);
      }
      chunk.items.push({ type, text: decoder.decode(b.subarray(at + 2, at + 2 + b[at + 1])) });
      at += 2 + b[at + 1];
    }
    // The END item, then null octets up to the next 32-bit boundary.
    at = (at + 4) & ~3;
    chunks.push(chunk);
  }
  return chunks;
}

function feedback(
  b: Uint8Array,
  pt: number,
  fmt: number,
  at: number,
  end: number,
): RtcpPacket | null {
  if (end - at < 8) {
    throw new SyntaxError(`RTCP feedback packet of ${end - at + 4} bytes is too short`);
  }
  const senderSsrc = u32(b, at);
  const mediaSsrc = u32(b, at + 4);
  const fci = at + 8;
  if (pt === RtcpType.RTPFB && fmt === 1) {
    const lost: number[] = [];
    for (let p = fci; p + 4 <= end; p += 4) {
      const pid = (b[p] << 8) | b[p + 1];
      const blp = (b[p + 2] << 8) | b[p + 3];
      lost.push(pid);
      for (let i = 0; i < 16; i++) if (blp & (1 << i)) lost.push((pid + i + 1) & 0xffff);
    }
    return { type: "nack", senderSsrc, mediaSsrc, lost };
  }
  if (pt === RtcpType.PSFB && fmt === 1) return { type: "pli", senderSsrc, mediaSsrc };
  if (pt === RtcpType.PSFB && fmt === 4) {
    const entries: { ssrc: number; seq: number }[] = [];
    for (let p = fci; p + 8 <= end; p += 8) entries.push({ ssrc: u32(b, p), seq: b[p + 4] });
    return { type: "fir", senderSsrc, entries };
  }
  // REMB: "REMB", Num SSRC (8), BR Exp (6), BR Mantissa (18), SSRCs.
  if (
    pt === RtcpType.PSFB && fmt === 15 && end - fci >= 8 &&
    b[fci] === 0x52 && b[fci + 1] === 0x45 && b[fci + 2] === 0x4d && b[fci + 3] === 0x42
  ) {
    const n = b[fci + 4];
    const exp = b[fci + 5] >> 2;
    const mantissa = ((b[fci + 5] & 3) << 16) | (b[fci + 6] << 8) | b[fci + 7];
    if (fci + 8 + 4 * n > end) throw new SyntaxError(`RTCP REMB lists ${n} SSRCs past its end`);
    const ssrcs: number[] = [];
    for (let i = 0; i < n; i++) ssrcs.push(u32(b, fci + 8 + 4 * i));
    return { type: "remb", senderSsrc, bitrate: mantissa * 2 ** exp, ssrcs };
  }
  return null;
}

/**
 * Parses a compound RTCP packet (RFC 3550 6.1) into its packets. Every
 * length is checked against the datagram; throws SyntaxError for anything
 * malformed. Types eyrie does not interpret come back as `unknown`.
 */
export function parseRtcp(data: Uint8Array): RtcpPacket[] {
  const len = data.length;
  if (len < 4) throw new SyntaxError(`An RTCP packet needs at least 4 bytes, got ${len}`);
  if (len > MAX_RTP_PACKET_BYTES) {
    throw new SyntaxError(`An RTCP packet of ${len} bytes exceeds ${MAX_RTP_PACKET_BYTES}`);
  }
  const out: RtcpPacket[] = [];
  let pos = 0;
  while (pos < len) {
    if (out.length === MAX_RTCP_PACKETS) {
      throw new SyntaxError(`A compound RTCP packet holds more than ${MAX_RTCP_PACKETS} packets`);
    }
    if (len - pos < 4) throw new SyntaxError(`RTCP packet at byte ${pos} is cut off`);
    const b0 = data[pos];
    if (b0 >> 6 !== 2) throw new SyntaxError(`RTCP version must be 2, got ${b0 >> 6}`);
    const count = b0 & 0x1f;
    const pt = data[pos + 1];
    const bytes = (((data[pos + 2] << 8) | data[pos + 3]) + 1) * 4;
    if (pos + bytes > len) {
      throw new SyntaxError(
        `RTCP packet at byte ${pos} claims ${bytes} bytes, ${len - pos} remain`,
      );
    }
    let end = pos + bytes;
    if (b0 & 0x20) {
      const pad = data[end - 1];
      // RFC 3550 6.4.1: the count includes itself "(it will be a multiple of four)".
      if (pad === 0 || pad % 4 !== 0 || pad > bytes - 4) {
        throw new SyntaxError(`RTCP padding of ${pad} bytes is invalid`);
      }
      end -= pad;
    }
    const at = pos + 4;
    out.push(parseOne(data, pt, count, at, end));
    pos += bytes;
  }
  return out;
}

function parseOne(b: Uint8Array, pt: number, count: number, at: number, end: number): RtcpPacket {
  switch (pt) {
    case RtcpType.SR:
      if (end - at < 24) throw new SyntaxError("RTCP sender report is shorter than 28 bytes");
      return {
        type: "sr",
        ssrc: u32(b, at),
        ntpSeconds: u32(b, at + 4),
        ntpFraction: u32(b, at + 8),
        rtpTimestamp: u32(b, at + 12),
        packetCount: u32(b, at + 16),
        octetCount: u32(b, at + 20),
        reports: reports(b, at + 24, count, end),
      };
    case RtcpType.RR:
      if (end - at < 4) throw new SyntaxError("RTCP receiver report is shorter than 8 bytes");
      return { type: "rr", ssrc: u32(b, at), reports: reports(b, at + 4, count, end) };
    case RtcpType.SDES:
      return { type: "sdes", chunks: sdes(b, at, count, end) };
    case RtcpType.BYE: {
      if (at + 4 * count > end) throw new SyntaxError(`RTCP BYE lists ${count} SSRCs past its end`);
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(u32(b, at + 4 * i));
      const r = at + 4 * count;
      if (r < end) {
        if (r + 1 + b[r] > end) throw new SyntaxError("RTCP BYE reason overruns its packet");
        return { type: "bye", ssrcs, reason: decoder.decode(b.subarray(r + 1, r + 1 + b[r])) };
      }
      return { type: "bye", ssrcs };
    }
    case RtcpType.RTPFB:
    case RtcpType.PSFB: {
      const fb = feedback(b, pt, count, at, end);
      if (fb !== null) return fb;
    }
  }
  return { type: "unknown", payloadType: pt, count, body: b.slice(at, end) };
}

/** True when any packet asks the sender for a keyframe (PLI or FIR), optionally for one SSRC. */
export function keyframeRequested(packets: readonly RtcpPacket[], mediaSsrc?: number): boolean {
  for (const p of packets) {
    if (p.type === "pli" && (mediaSsrc === undefined || p.mediaSsrc === mediaSsrc)) return true;
    if (
      p.type === "fir" && p.entries.some((e) => mediaSsrc === undefined || e.ssrc === mediaSsrc)
    ) {
      return true;
    }
  }
  return false;
}
