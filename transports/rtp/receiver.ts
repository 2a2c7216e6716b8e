import type { DepacketizeResult } from "./depacketizer.ts";
import { NEED_MORE } from "./depacketizer.ts";
import { H264Depacketizer } from "./h264/depacketize.ts";
import { emptyRtpHeader, parseRtpHeader, type RtpHeader } from "./header.ts";
import { JpegDepacketizer } from "./jpeg/depacketize.ts";
import { JPEG_PAYLOAD_TYPE } from "./jpeg/packetize.ts";
import { ntpMiddle } from "./rtcp/ntp.ts";
import { ReceiverStats } from "./rtcp/receiver_stats.ts";
import { serializeRtcp } from "./rtcp/serialize.ts";
import { type RtcpPacket, SDES_CNAME, type SenderReport } from "./rtcp/types.ts";

/** What an {@linkcode RtpReceiver} rebuilds: H.264 access units or JPEG frames. */
export type ReceiveCodec = "h264" | "mjpeg";

/**
 * A new SSRC replaces the current source only after the current one has been
 * silent this long. Reason: a restarted sender gets a new SSRC, while a
 * second sender on the same port must not tear the stream in two.
 */
export const SOURCE_SWITCH_NS = 1e9;

/** The codec a payload type implies: 26 is JPEG (RFC 3551), dynamic 96–127 is taken as H.264. */
export function codecOfPayloadType(payloadType: number): ReceiveCodec | null {
  if (payloadType === JPEG_PAYLOAD_TYPE) return "mjpeg";
  if (payloadType >= 96 && payloadType <= 127) return "h264";
  return null;
}

/** Counters since the start. */
export interface ReceiverCounters {
  packets: number;
  bytes: number;
  frames: number;
  keyframes: number;
  /** Frames the depacketizer gave up (loss, malformed, waiting for a keyframe). */
  droppedFrames: number;
  /** Sequence numbers never seen (RFC 3550 A.3). */
  lost: number;
  /** Not RTP, or cut short. */
  malformed: number;
  /** From another SSRC or with another payload type than the stream's. */
  foreign: number;
  /** The last foreign payload type, to name it in an error. */
  foreignPayloadType: number;
}

/** One interval's figures, for a stats line. */
export interface ReceiverInterval {
  seconds: number;
  fps: number;
  kbps: number;
  /** Packets lost in the interval, 0..1. */
  loss: number;
  jitterMs: number;
}

interface Source {
  ssrc: number;
  payloadType: number;
  codec: ReceiveCodec;
  depacketizer: H264Depacketizer | JpegDepacketizer;
  stats: ReceiverStats;
  lastNs: number;
}

/**
 * The receiving end of one RTP video stream (RFC 3550 6.4.2, A.1–A.8):
 * datagrams in, frames out through the depacketizers, with the counters a
 * receiver reports and the RTCP it sends back (RR, SDES, and a PLI while an
 * H.264 stream waits for a keyframe). Locks on the first source; the codec
 * comes from the payload type unless given. Pure: arrival times are passed
 * in.
 *
 * Use: `for (let r = rx.push(packet, now); r.kind !== "more"; r = rx.pull()) …`.
 */
export class RtpReceiver {
  readonly counters: ReceiverCounters = {
    packets: 0,
    bytes: 0,
    frames: 0,
    keyframes: 0,
    droppedFrames: 0,
    lost: 0,
    malformed: 0,
    foreign: 0,
    foreignPayloadType: -1,
  };
  /** This receiver's SSRC in its RTCP. */
  readonly ssrc: number;
  readonly cname: string;
  readonly #codec: ReceiveCodec | undefined;
  readonly #header = emptyRtpHeader();
  #source: Source | undefined;
  #lastSr: { middle: number; arrivalNs: number } | undefined;
  #mark = { ns: -1, frames: 0, bytes: 0, expected: 0, lost: 0 };

  constructor(options: { codec?: ReceiveCodec; ssrc: number; cname: string }) {
    this.#codec = options.codec;
    this.ssrc = options.ssrc >>> 0;
    this.cname = options.cname;
  }

  /** The stream being received, once its first packet came. */
  get source(): { ssrc: number; payloadType: number; codec: ReceiveCodec } | undefined {
    const s = this.#source;
    return s === undefined
      ? undefined
      : { ssrc: s.ssrc, payloadType: s.payloadType, codec: s.codec };
  }

  /** True while an H.264 stream waits for an IDR (at the start, or after a loss). */
  get needsKeyframe(): boolean {
    const d = this.#source?.depacketizer;
    return d instanceof H264Depacketizer && d.needsKeyframe;
  }

  /** Takes one datagram; returns the first result it makes ready. */
  push(packet: Uint8Array, arrivalNs: number): DepacketizeResult {
    this.counters.packets++;
    this.counters.bytes += packet.length;
    let h: RtpHeader;
    try {
      h = parseRtpHeader(packet, this.#header);
    } catch {
      this.counters.malformed++;
      return NEED_MORE;
    }
    let s = this.#source;
    if (s === undefined || (h.ssrc !== s.ssrc && arrivalNs - s.lastNs >= SOURCE_SWITCH_NS)) {
      const codec = this.#codec ?? codecOfPayloadType(h.payloadType);
      if (codec === null) return this.#foreign(h.payloadType);
      s = this.#source = {
        ssrc: h.ssrc,
        payloadType: h.payloadType,
        codec,
        depacketizer: codec === "h264" ? new H264Depacketizer() : new JpegDepacketizer(),
        stats: new ReceiverStats({ ssrc: h.ssrc }),
        lastNs: arrivalNs,
      };
      this.#mark = { ns: arrivalNs, frames: this.counters.frames, bytes: 0, expected: 0, lost: 0 };
    }
    if (h.ssrc !== s.ssrc || h.payloadType !== s.payloadType) return this.#foreign(h.payloadType);
    s.lastNs = arrivalNs;
    s.stats.update(h, arrivalNs);
    this.counters.lost = Math.max(0, s.stats.cumulativeLost);
    return this.#count(s.depacketizer.push(packet));
  }

  /** The next result of the last push, or "more". */
  pull(): DepacketizeResult {
    const d = this.#source?.depacketizer;
    return d === undefined ? NEED_MORE : this.#count(d.pull());
  }

  /** End of stream: releases what the reorder window holds. */
  flush(): DepacketizeResult {
    const d = this.#source?.depacketizer;
    return d === undefined ? NEED_MORE : this.#count(d.flush());
  }

  #foreign(payloadType: number): DepacketizeResult {
    this.counters.foreign++;
    this.counters.foreignPayloadType = payloadType;
    return NEED_MORE;
  }

  #count(r: DepacketizeResult): DepacketizeResult {
    if (r.kind === "frame") {
      this.counters.frames++;
      if (r.keyframe) this.counters.keyframes++;
    } else if (r.kind === "dropped") {
      this.counters.droppedFrames++;
    }
    return r;
  }

  /** Remembers a sender report of the stream, for LSR/DLSR in the next RR. */
  senderReport(sr: SenderReport, arrivalNs: number): void {
    if (this.#source !== undefined && sr.ssrc !== this.#source.ssrc) return;
    this.#lastSr = {
      middle: ntpMiddle({ seconds: sr.ntpSeconds, fraction: sr.ntpFraction }),
      arrivalNs,
    };
  }

  /**
   * The RTCP to send back now: RR + SDES(CNAME), and a PLI while an H.264
   * stream waits for a keyframe (`pli: false` leaves it out). Null before
   * the first packet.
   */
  feedback(nowNs: number, options: { pli?: boolean } = {}): Uint8Array | null {
    const s = this.#source;
    if (s === undefined) return null;
    const sr = this.#lastSr;
    const report = s.stats.report(
      sr === undefined ? {} : {
        lastSr: sr.middle,
        delaySinceLastSr: Math.min(0xffff_ffff, Math.floor(((nowNs - sr.arrivalNs) / 1e9) * 65536)),
      },
    );
    const packets: RtcpPacket[] = [
      { type: "rr", ssrc: this.ssrc, reports: [report] },
      {
        type: "sdes",
        chunks: [{ ssrc: this.ssrc, items: [{ type: SDES_CNAME, text: this.cname }] }],
      },
    ];
    if ((options.pli ?? true) && this.needsKeyframe) {
      packets.push({ type: "pli", senderSsrc: this.ssrc, mediaSsrc: s.ssrc });
    }
    return serializeRtcp(packets);
  }

  /** Figures since the last call (or the first packet), for a stats line. */
  interval(nowNs: number): ReceiverInterval {
    const s = this.#source;
    const m = this.#mark;
    if (s === undefined || m.ns < 0) return { seconds: 0, fps: 0, kbps: 0, loss: 0, jitterMs: 0 };
    const lost = this.counters.lost;
    const expected = s.stats.received + lost;
    const seconds = Math.max(1e-9, (nowNs - m.ns) / 1e9);
    const dExpected = expected - m.expected;
    const out: ReceiverInterval = {
      seconds,
      fps: (this.counters.frames - m.frames) / seconds,
      kbps: ((this.counters.bytes - m.bytes) * 8) / seconds / 1000,
      loss: dExpected > 0 ? Math.max(0, lost - m.lost) / dExpected : 0,
      jitterMs: (s.stats.jitter / s.stats.clockRate) * 1000,
    };
    this.#mark = {
      ns: nowNs,
      frames: this.counters.frames,
      bytes: this.counters.bytes,
      expected,
      lost,
    };
    return out;
  }
}
