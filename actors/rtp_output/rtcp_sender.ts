/**
 * The RTCP side of one RTP output (RFC 3550 6): sender reports with the
 * stream's CNAME, a BYE when it stops, and what receivers say back: their
 * report blocks (loss, jitter, round trip) and their keyframe requests (PLI,
 * FIR), rate-limited. Pure: times are passed in.
 *
 * @module
 */
import {
  ntpFromUnixMs,
  ntpMiddle,
  parseRtcp,
  type ReceptionReport,
  type RtcpPacket,
  SDES_CNAME,
  senderReport,
  serializeRtcp,
  VIDEO_CLOCK_RATE,
} from "../../transports/rtp/mod.ts";
import type { RtpReceiverReport } from "./protocol.ts";

/**
 * Receivers remembered per output. Reason: each RTCP sender with a new SSRC
 * would otherwise add an entry; a few dozen covers any real fan-out.
 */
export const MAX_RECEIVERS = 32;
/** A receiver silent this long is forgotten (RFC 3550 6.3.5 uses 5 report intervals). */
export const RECEIVER_TIMEOUT_NS = 30e9;
/** At most one keyframe request per this many ns passes on to the encoder. */
export const KEYFRAME_REQUEST_INTERVAL_NS = 1e9;

/** What was sent so far, and the RTP timestamp of "now", for a sender report. */
export interface SenderState {
  /** Now, on the ring clock (Unix-based ns, `nowNs()`). */
  nowNs: number;
  rtpTimestamp: number;
  packetCount: number;
  /** Payload octets (RTP headers excluded). */
  octetCount: number;
}

/** What one incoming RTCP datagram amounted to. */
export type RtcpVerdict = "keyframe" | "keyframe_limited" | "report" | "ignored" | "malformed";

interface Receiver extends RtpReceiverReport {
  seenNs: number;
}

/** The RTCP state of one sender SSRC. */
export class RtcpSender {
  readonly ssrc: number;
  readonly cname: string;
  /** Whether an SR went out, so a report's LSR can be ours. */
  #lastSrMiddle = -1;
  #lastKeyframeNs = -Infinity;
  readonly #receivers = new Map<number, Receiver>();
  received = 0;
  malformed = 0;
  keyframeRequests = 0;
  keyframeRequestsLimited = 0;

  constructor(options: { ssrc: number; cname: string }) {
    this.ssrc = options.ssrc >>> 0;
    this.cname = options.cname;
  }

  #sr(state: SenderState): RtcpPacket[] {
    const sr = senderReport({
      ssrc: this.ssrc,
      unixMs: state.nowNs / 1e6,
      rtpTimestamp: state.rtpTimestamp,
      packetCount: state.packetCount,
      octetCount: state.octetCount,
    });
    this.#lastSrMiddle = ntpMiddle({ seconds: sr.ntpSeconds, fraction: sr.ntpFraction });
    return [sr, {
      type: "sdes",
      chunks: [{ ssrc: this.ssrc, items: [{ type: SDES_CNAME, text: this.cname }] }],
    }];
  }

  /** A compound SR + SDES(CNAME) packet for now. */
  report(state: SenderState): Uint8Array {
    return serializeRtcp(this.#sr(state));
  }

  /** SR + SDES + BYE: the stream ends. */
  goodbye(state: SenderState, reason: string): Uint8Array {
    return serializeRtcp([...this.#sr(state), { type: "bye", ssrcs: [this.ssrc], reason }]);
  }

  /** Takes one RTCP datagram from a receiver. */
  receive(bytes: Uint8Array, nowNs: number): RtcpVerdict {
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(bytes);
    } catch {
      this.malformed++;
      return "malformed";
    }
    this.received++;
    let verdict: RtcpVerdict = "ignored";
    for (const p of packets) {
      switch (p.type) {
        case "rr":
        case "sr":
          for (const block of p.reports) {
            if (block.ssrc !== this.ssrc) continue;
            this.#remember(p.ssrc, block, nowNs);
            verdict = "report";
          }
          break;
        case "bye":
          for (const s of p.ssrcs) this.#receivers.delete(s);
          break;
        case "pli":
          if (p.mediaSsrc === this.ssrc) verdict = this.#keyframe(nowNs);
          break;
        case "fir":
          if (p.entries.some((e) => e.ssrc === this.ssrc)) verdict = this.#keyframe(nowNs);
          break;
        case "sdes":
        case "remb":
        case "nack":
        case "unknown":
          break;
      }
    }
    return verdict;
  }

  #keyframe(nowNs: number): RtcpVerdict {
    this.keyframeRequests++;
    if (nowNs - this.#lastKeyframeNs < KEYFRAME_REQUEST_INTERVAL_NS) {
      this.keyframeRequestsLimited++;
      return "keyframe_limited";
    }
    this.#lastKeyframeNs = nowNs;
    return "keyframe";
  }

  #remember(reporter: number, block: ReceptionReport, nowNs: number): void {
    let rttMs: number | null = null;
    // RFC 3550 6.4.1: RTT = arrival - LSR - DLSR, all in 1/65536 s.
    if (block.lastSr !== 0 && this.#lastSrMiddle >= 0) {
      const arrival = ntpMiddle(ntpFromUnixMs(nowNs / 1e6));
      const rtt = (arrival - block.lastSr - block.delaySinceLastSr) >>> 0;
      if (rtt < 0x8000_0000) rttMs = Math.round((rtt / 65536) * 1000 * 10) / 10;
    }
    if (!this.#receivers.has(reporter) && this.#receivers.size >= MAX_RECEIVERS) {
      // Make room: forget the receiver heard from longest ago.
      let oldest: number | undefined;
      let oldestNs = Infinity;
      for (const [ssrc, r] of this.#receivers) {
        if (r.seenNs < oldestNs) [oldest, oldestNs] = [ssrc, r.seenNs];
      }
      if (oldest !== undefined) this.#receivers.delete(oldest);
    }
    this.#receivers.set(reporter, {
      ssrc: reporter,
      fractionLost: Math.round((block.fractionLost / 256) * 1000) / 1000,
      cumulativeLost: block.cumulativeLost,
      jitterMs: Math.round((block.jitter / VIDEO_CLOCK_RATE) * 1000 * 10) / 10,
      rttMs,
      seenNs: nowNs,
    });
  }

  /** The receivers heard from within {@linkcode RECEIVER_TIMEOUT_NS}, with their last report. */
  receivers(nowNs: number): RtpReceiverReport[] {
    const out: RtpReceiverReport[] = [];
    for (const [ssrc, r] of this.#receivers) {
      if (nowNs - r.seenNs > RECEIVER_TIMEOUT_NS) {
        this.#receivers.delete(ssrc);
        continue;
      }
      const { seenNs: _, ...report } = r;
      out.push(report);
    }
    return out;
  }
}
