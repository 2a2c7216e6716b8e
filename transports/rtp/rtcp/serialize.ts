import { type ReceptionReport, type RtcpPacket, RtcpType } from "./types.ts";

const encoder = new TextEncoder();

function assertNever(x: never): never {
  throw new TypeError(`Unknown RTCP packet type ${JSON.stringify(x)}`);
}

function checkU32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new RangeError(`RTCP ${name} must be 0 to 4294967295, got ${v}`);
  }
}

function checkCount(name: string, n: number): void {
  if (n > 31) throw new RangeError(`An RTCP packet holds at most 31 ${name}, got ${n}`);
}

class Writer {
  bytes: number[] = [];
  u8(v: number) {
    this.bytes.push(v & 0xff);
  }
  u16(v: number) {
    this.bytes.push((v >>> 8) & 0xff, v & 0xff);
  }
  u32(name: string, v: number) {
    checkU32(name, v);
    this.bytes.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  raw(b: Uint8Array) {
    for (const x of b) this.bytes.push(x);
  }
  pad4() {
    while (this.bytes.length % 4) this.bytes.push(0);
  }
}

function reportBlocks(w: Writer, reports: readonly ReceptionReport[]): void {
  for (const r of reports) {
    w.u32("report SSRC", r.ssrc);
    if (!(r.fractionLost >= 0 && r.fractionLost <= 255)) {
      throw new RangeError(`RTCP fraction lost must be 0 to 255, got ${r.fractionLost}`);
    }
    w.u8(r.fractionLost);
    // Cumulative lost is a signed 24-bit field; RFC 3550 A.3 clamps it.
    const lost = Math.max(-0x80_0000, Math.min(0x7f_ffff, Math.trunc(r.cumulativeLost)));
    w.u8(lost >> 16);
    w.u16(lost & 0xffff);
    w.u32("extended highest sequence", r.extendedHighestSeq);
    w.u32("jitter", r.jitter);
    w.u32("LSR", r.lastSr);
    w.u32("DLSR", r.delaySinceLastSr);
  }
}

function body(p: RtcpPacket, w: Writer): { pt: number; count: number } {
  switch (p.type) {
    case "sr":
      checkCount("reports", p.reports.length);
      w.u32("SSRC", p.ssrc);
      w.u32("NTP seconds", p.ntpSeconds);
      w.u32("NTP fraction", p.ntpFraction);
      w.u32("RTP timestamp", p.rtpTimestamp);
      w.u32("packet count", p.packetCount);
      w.u32("octet count", p.octetCount);
      reportBlocks(w, p.reports);
      return { pt: RtcpType.SR, count: p.reports.length };
    case "rr":
      checkCount("reports", p.reports.length);
      w.u32("SSRC", p.ssrc);
      reportBlocks(w, p.reports);
      return { pt: RtcpType.RR, count: p.reports.length };
    case "sdes":
      checkCount("SDES chunks", p.chunks.length);
      for (const c of p.chunks) {
        w.u32("SSRC", c.ssrc);
        for (const item of c.items) {
          const text = encoder.encode(item.text);
          if (item.type < 1 || item.type > 255 || text.length > 255) {
            throw new RangeError(
              `An SDES item needs a type 1 to 255 and at most 255 bytes, got type ${item.type} of ${text.length} bytes`,
            );
          }
          w.u8(item.type);
          w.u8(text.length);
          w.raw(text);
        }
        w.u8(0);
        w.pad4();
      }
      return { pt: RtcpType.SDES, count: p.chunks.length };
    case "bye":
      checkCount("SSRCs", p.ssrcs.length);
      for (const s of p.ssrcs) w.u32("SSRC", s);
      if (p.reason !== undefined) {
        const text = encoder.encode(p.reason);
        if (text.length > 255) {
          throw new RangeError(`A BYE reason has at most 255 bytes, got ${text.length}`);
        }
        w.u8(text.length);
        w.raw(text);
        w.pad4();
      }
      return { pt: RtcpType.BYE, count: p.ssrcs.length };
    case "pli":
      w.u32("sender SSRC", p.senderSsrc);
      w.u32("media SSRC", p.mediaSsrc);
      return { pt: RtcpType.PSFB, count: 1 };
    case "fir":
      w.u32("sender SSRC", p.senderSsrc);
      w.u32("media SSRC", 0); // RFC 5104: unused in FIR
      for (const e of p.entries) {
        w.u32("FIR SSRC", e.ssrc);
        w.u8(e.seq);
        w.u8(0);
        w.u16(0);
      }
      return { pt: RtcpType.PSFB, count: 4 };
    case "remb": {
      w.u32("sender SSRC", p.senderSsrc);
      w.u32("media SSRC", 0);
      if (p.ssrcs.length > 255) {
        throw new RangeError(`REMB lists at most 255 SSRCs, got ${p.ssrcs.length}`);
      }
      // Smallest exponent whose mantissa fits 18 bits.
      let exp = 0;
      let mantissa = Math.floor(p.bitrate);
      if (!(mantissa >= 0)) throw new RangeError(`A REMB bitrate must be >= 0, got ${p.bitrate}`);
      while (mantissa >= 1 << 18) {
        mantissa = Math.floor(mantissa / 2);
        exp++;
      }
      if (exp > 63) throw new RangeError(`A REMB bitrate of ${p.bitrate} is too large`);
      w.raw(encoder.encode("REMB"));
      w.u8(p.ssrcs.length);
      w.u8((exp << 2) | (mantissa >> 16));
      w.u16(mantissa & 0xffff);
      for (const s of p.ssrcs) w.u32("SSRC", s);
      return { pt: RtcpType.PSFB, count: 15 };
    }
    case "nack": {
      w.u32("sender SSRC", p.senderSsrc);
      w.u32("media SSRC", p.mediaSsrc);
      // Each FCI: a PID and a bitmask of the 16 sequence numbers after it.
      const lost = [...new Set(p.lost.map((s) => s & 0xffff))];
      let i = 0;
      while (i < lost.length) {
        const pid = lost[i++];
        let blp = 0;
        while (i < lost.length) {
          const d = (lost[i] - pid) & 0xffff;
          if (d < 1 || d > 16) break;
          blp |= 1 << (d - 1);
          i++;
        }
        w.u16(pid);
        w.u16(blp);
      }
      return { pt: RtcpType.RTPFB, count: 1 };
    }
    case "unknown":
      if (p.body.length % 4) {
        throw new RangeError(`An RTCP body must be whole words, got ${p.body.length} bytes`);
      }
      w.raw(p.body);
      return { pt: p.payloadType, count: p.count & 0x1f };
    default:
      return assertNever(p);
  }
}

/** Writes packets as one compound RTCP packet (RFC 3550 6.1). Validates every field. */
export function serializeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  const out: number[] = [];
  for (const p of packets) {
    const w = new Writer();
    const { pt, count } = body(p, w);
    const words = w.bytes.length / 4;
    out.push(0x80 | count, pt, (words >>> 8) & 0xff, words & 0xff, ...w.bytes);
  }
  return Uint8Array.from(out);
}
