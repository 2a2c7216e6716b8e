/**
 * One WebRTC viewer: a werift RTCPeerConnection answering a WHEP offer,
 * sending the camera's RTP packets (werift rewrites payload type and SSRC to
 * what was negotiated and encrypts per peer), and listening to the
 * browser's RTCP for delivery, loss, jitter, REMB and keyframe requests.
 * The rules live in pure modules (fanout.ts, health.ts, abr.ts); this is the
 * adapter between them and werift.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  GenericNack,
  PictureLossIndication,
  ReceiverEstimatedMaxBitrate,
  type RTCDtlsTransport,
  RTCPeerConnection,
  type RtcpPacket,
  RtcpPayloadSpecificFeedback,
  RtcpRrPacket,
  RtcpTransportLayerFeedback,
  RTCRtpCodecParameters,
  type RTCRtpSender,
  useAbsSendTime,
  useFIR,
  useNACK,
  usePLI,
  useREMB,
  useSdesMid,
} from "werift";
import type { ViewerSignal } from "./abr.ts";
import { DirectSender } from "./direct_send.ts";
import { type FecMode, type FecState, fecStep, initialFec } from "./fec_policy.ts";
import { answerWithFec } from "./offer.ts";
import { shrinkReceiveBuffers } from "./udp_receive.ts";
import { type PacketPool, type PacketSink, PeerCursor } from "./fanout.ts";
import {
  type EndReason,
  newSessionClock,
  onHeard,
  onRtcp,
  onSent,
  type SessionClock,
} from "./health.ts";
import { iceSettings } from "./ice.ts";
import { ntpFromUnixMs } from "../../transports/rtp/rtcp/ntp.ts";
import type { OfferArgs, SessionStats, TrickleCandidate } from "./protocol.ts";
import type { StreamName, StreamState } from "./stream_choice.ts";

/** The fields of werift's RTCRtpSender its sender reports are made from. */
interface WeriftSrClock {
  packetCount: number;
  ntpTimestamp: bigint;
}

/** A Unix time in ms as a 64-bit NTP timestamp (RFC 3550 4), as werift keeps it. */
function ntpBigint(unixMs: number): bigint {
  const ntp = ntpFromUnixMs(unixMs);
  return (BigInt(ntp.seconds) << 32n) | BigInt(ntp.fraction);
}

/** RFC 5104 FIR's feedback message type; werift does not export the class. */
const FIR_COUNT = 4;

/** What a session tells the actor. */
export interface SessionEvents {
  connected(session: ViewerSession): void;
  keyframeWanted(session: ViewerSession): void;
  ended(session: ViewerSession, reason: EndReason): void;
}

export interface SessionOptions {
  events: SessionEvents;
  now: () => number;
  /** When the offer arrived (the `now` clock): the session's timeline starts there. */
  offeredMs: number;
  clientKey: string;
  /** The camera's packets per stream (NACKs are answered from them). */
  pools: Readonly<Record<StreamName, PacketPool>>;
  /** Which stream it starts on, and whether it moves with its link (stream_choice.ts). */
  stream: StreamState;
}

/** What the session was answered with for FEC. */
type FecArgs = OfferArgs["fec"];

function h264(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: "video/H264",
    clockRate: 90_000,
    rtcpFeedback: [useNACK(), usePLI(), useFIR(), useREMB()],
    parameters: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
  });
}

function opus(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48_000, channels: 2 });
}

export class ViewerSession implements PacketSink {
  readonly id = crypto.randomUUID();
  readonly cursor = new PeerCursor();
  readonly clock: SessionClock;
  readonly signal: ViewerSignal = { fractionLost: 0, jitterMs: 0, rembKbps: null, atMs: 0 };
  /** The browser's ICE username fragment (a PATCH with another one is an ICE restart). */
  readonly remoteUfrag: string | null;
  /** Who asked for it (admission.ts's clientKey): connecting sessions are capped per client. */
  readonly clientKey: string;
  state: "connecting" | "connected" | "closed" = "connecting";
  pli = 0;
  fir = 0;
  nack = 0;
  firstFrameMs: number | null = null;
  /** Its stream and the state of its moves (stream_choice.ts). */
  choice: StreamState;
  /** The receiver report the stream choice last judged (its arrival, ms). */
  judgedReportMs = 0;
  /** When the offer arrived and when the answer was made, ICE connected, DTLS connected. */
  readonly offeredMs: number;
  readonly answerMs: number;
  iceMs: number | null = null;
  readonly #pc: RTCPeerConnection;
  readonly #sender: RTCRtpSender;
  /** The audio section's sender when it was answered sendonly. */
  readonly #audio: RTCRtpSender | null;
  audioPacketsSent = 0;
  /** The video section's mid. */
  readonly mid: string;
  /** ICE lite: candidates from the browser are not needed (its checks find us). */
  readonly #lite: boolean;
  readonly #transport: RTCDtlsTransport;
  #direct: DirectSender | null = null;
  #heard = 0;
  readonly #events: SessionEvents;
  readonly #now: () => number;
  #highest = -1;
  #lastTimestamp = -1;
  #lastCaptureNs = 0;
  /** Moved to another stream: werift's path joins its timestamps by capture time. */
  #moved = false;
  readonly #pools: Readonly<Record<StreamName, PacketPool>>;
  readonly #fecArgs: FecArgs;
  readonly #fecMode: FecMode;
  /** FEC's state (fec_policy.ts), applied to the direct path's sender. */
  #fec: FecState;

  private constructor(
    pc: RTCPeerConnection,
    options: SessionOptions & { sdp: string; lite: boolean; fec: FecArgs },
  ) {
    this.#pc = pc;
    this.#events = options.events;
    this.#now = options.now;
    this.offeredMs = options.offeredMs;
    this.clientKey = options.clientKey;
    this.#pools = options.pools;
    this.choice = options.stream;
    this.#fecArgs = options.fec;
    this.#fecMode = options.fec?.mode ?? "never";
    this.#fec = initialFec(this.#fecMode);
    this.clock = newSessionClock(options.now());
    this.answerMs = this.clock.createdMs - this.offeredMs;
    this.remoteUfrag = /^a=ice-ufrag:(.+)$/m.exec(options.sdp)?.[1]?.trim() ?? null;
    const video = pc.getTransceivers().find((t) => t.kind === "video")!;
    this.#sender = video.sender;
    const audio = pc.getTransceivers().find((t) => t.kind === "audio");
    this.#audio = audio !== undefined && audio.direction === "sendonly" ? audio.sender : null;
    this.mid = video.mid ?? "0";
    this.#lite = options.lite;
    pc.iceConnectionStateChange.subscribe((state) => {
      if (state === "connected" && this.iceMs === null) {
        this.iceMs = this.#now() - this.offeredMs;
      }
    });
    pc.connectionStateChange.subscribe((state) => {
      if (state === "connected" && this.state === "connecting") {
        this.#direct = DirectSender.for(
          this.#sender,
          this.#transport,
          this.pool,
          this.#fecArgs?.types ?? null,
        );
        this.#direct?.setProtection(this.#fec.protection);
        this.state = "connected";
        this.clock.connectedMs = this.#now();
        this.#events.connected(this);
      } else if (state === "failed" || state === "closed") {
        this.close("remote_closed");
      }
    });
    this.#transport = video.dtlsTransport;
    this.#transport.onRtcp.subscribe((packet) => this.#rtcp(packet));
  }

  /** Call periodically: notes whether the browser sent anything, decodable or not. */
  poll(nowMs: number): void {
    // werift counts every SRTP/SRTCP packet before it tries to decrypt it.
    const heard = this.#transport.packetsReceived;
    if (heard !== this.#heard) {
      this.#heard = heard;
      onHeard(this.clock, nowMs);
    }
  }

  /** The stream it plays now. */
  get stream(): StreamName {
    return this.choice.stream;
  }

  /** The packets of the stream it plays now. */
  get pool(): PacketPool {
    return this.#pools[this.choice.stream];
  }

  /**
   * Moves it to `next`'s stream without a new session: the same SSRC,
   * contiguous sequence numbers, timestamps joined by capture time; its
   * cursor waits for that stream's next keyframe (the caller asks for one).
   */
  switchTo(next: StreamState): void {
    const moved = next.stream !== this.choice.stream;
    this.choice = next;
    if (!moved) return;
    this.#direct?.moveTo(this.pool);
    this.#moved = this.#lastTimestamp >= 0;
    this.cursor.resync(this.pool);
  }

  /** Answers a checked offer; the session starts connecting. Throws what werift throws. */
  static async answer(
    args: OfferArgs,
    options: SessionOptions,
  ): Promise<{ session: ViewerSession; sdp: string }> {
    const pc = new RTCPeerConnection({
      ...iceSettings(args.hosts, args.ice),
      codecs: { video: [h264()], audio: args.audio ? [opus()] : [] },
      headerExtensions: { video: [useSdesMid(), useAbsSendTime()], audio: [useSdesMid()] },
    });
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: args.sdp });
      for (const t of pc.getTransceivers()) {
        t.setDirection(t.kind === "video" || args.sendAudio ? "sendonly" : "inactive");
      }
      await pc.setLocalDescription(await pc.createAnswer());
      const made = pc.localDescription?.sdp;
      if (made === undefined) throw new Error("werift made no answer");
      // werift negotiates RED for audio only: RED and ULPFEC for video are added to its answer.
      const sdp = args.fec === null ? made : answerWithFec(made, args.fec.types);
      shrinkReceiveBuffers(pc);
      return {
        session: new ViewerSession(pc, {
          ...options,
          sdp: args.sdp,
          lite: args.ice.lite,
          fec: args.fec,
        }),
        sdp,
      };
    } catch (error) {
      await pc.close().catch(() => {});
      throw error;
    }
  }

  /**
   * PacketSink: sends one packet, on the direct path (direct_send.ts) when
   * it applies, else through werift's sender (one promise per packet).
   */
  send(pool: PacketPool, seq: number, discont: boolean, done: () => void): boolean {
    if (this.state !== "connected") return false;
    const now = this.#now();
    if (this.#direct !== null) {
      if (!this.#direct.send(seq, done)) return false;
    } else {
      // A copy: werift keeps the packets it sent for NACKs, and the pool's slot is reused.
      const packet = Buffer.from(pool.packet(seq));
      // RTP header bytes 4-7: timestamp (RFC 3550 5.1).
      const timestamp = ((packet[4] << 24) | (packet[5] << 16) | (packet[6] << 8) | packet[7]) >>>
        0;
      const captureNs = pool.captureNs(seq);
      if (discont && this.#lastTimestamp >= 0) {
        // Packets were skipped: keep this viewer's sequence numbers contiguous (nothing to NACK)
        // and its timestamps true to the time that passed (by capture time after a move to the
        // other stream, whose timestamps may have another origin).
        const elapsed = this.#moved
          ? Math.max(1, Math.round(((captureNs - this.#lastCaptureNs) * 90) / 1e6))
          : ((timestamp - this.#lastTimestamp) >>> 0) || 1;
        this.#sender.replaceRTP(
          { sequenceNumber: (packet[2] << 8) | packet[3], timestamp },
          true,
          elapsed,
        );
        this.#moved = false;
      }
      this.#lastTimestamp = timestamp;
      this.#lastCaptureNs = captureNs;
      this.#sender.sendRtp(packet).then(done, done);
    }
    onSent(this.clock, now);
    if (this.firstFrameMs === null) this.firstFrameMs = now - this.offeredMs;
    return true;
  }

  /**
   * Sends one Opus RTP packet (transports/rtp/opus) on the audio section, when it has one and the
   * session is connected; werift sets the negotiated payload type and SSRC, and encrypts it.
   */
  sendAudio(packet: Buffer, captureMs: number): void {
    if (this.#audio === null || this.state !== "connected") return;
    this.audioPacketsSent++;
    const w = this.#audio as unknown as WeriftSrClock;
    const before = w.packetCount;
    this.#audio.sendRtp(packet).catch(() => {});
    // werift stamped this packet's outgoing RTP timestamp with the NTP time of now, before its
    // first await. A sender report's NTP time is the instant its RTP timestamp stands for (RFC
    // 3550 6.4.1): the capture, on the clock the video's sender reports use too (direct_send.ts),
    // so the browser lines the two up by capture time, not by when each left the encoder.
    if (w.packetCount !== before) w.ntpTimestamp = ntpBigint(captureMs);
  }

  /** Adds the browser's trickled candidates (RFC 8840); werift checks each. */
  async addCandidates(candidates: readonly TrickleCandidate[]): Promise<void> {
    if (this.#lite) return;
    for (const c of candidates) {
      await this.#pc.addIceCandidate({
        candidate: c.candidate,
        sdpMid: c.mid ?? this.mid,
        sdpMLineIndex: c.mid === null ? 0 : undefined,
      });
    }
  }

  /** eyrie's own candidates (a=candidate values) as the answer gave them. */
  get localCandidates(): string[] {
    const sdp = this.#pc.localDescription?.sdp ?? "";
    return [...sdp.matchAll(/^a=(candidate:.*?)\r?$/gm)].map((m) => m[1]);
  }

  /** Whether packets go out on the direct path (false: werift's). */
  get direct(): boolean {
    return this.#direct !== null;
  }

  /** Ends the session (idempotent); the actor hears `ended` once. */
  close(reason: EndReason): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.#pc.close().catch(() => {});
    this.#events.ended(this, reason);
  }

  stats(nowMs: number): SessionStats {
    const rtt = (this.#sender as unknown as { rtt?: number }).rtt;
    return {
      id: this.id,
      state: this.state === "connected" ? "connected" : "connecting",
      ageMs: Math.round(nowMs - this.clock.createdMs),
      packetsSent: this.cursor.sent,
      framesSent: this.cursor.frames,
      dropped: this.cursor.dropped,
      fractionLost: this.signal.fractionLost,
      jitterMs: this.signal.jitterMs,
      rttMs: rtt === undefined ? null : Math.round(rtt * 1000),
      rembKbps: this.signal.rembKbps,
      answerMs: Math.round(this.answerMs),
      iceMs: this.iceMs === null ? null : Math.round(this.iceMs),
      connectedMs: this.clock.connectedMs === null
        ? null
        : Math.round(this.clock.connectedMs - this.offeredMs),
      firstFrameMs: this.firstFrameMs === null ? null : Math.round(this.firstFrameMs),
      direct: this.#direct !== null,
      audioPacketsSent: this.audioPacketsSent,
      stream: this.choice.stream,
      adaptive: this.choice.adaptive,
      switches: this.choice.switches,
      downReason: this.choice.downReason,
      fecProtection: this.#direct?.protection ?? 0,
      fecPacketsSent: this.#direct?.fecPackets ?? 0,
      fecBytesSent: this.#direct?.fecBytes ?? 0,
    };
  }

  #rtcp(packet: RtcpPacket): void {
    const now = this.#now();
    let progress = false;
    const ssrc = this.#sender.ssrc;
    if (packet instanceof RtcpRrPacket) {
      for (const r of packet.reports) {
        if (r.ssrc !== ssrc) continue;
        // Extended highest sequence received: it moves only for packets the browser decrypted.
        if (r.highestSequence > this.#highest) {
          progress = true;
          this.#highest = r.highestSequence;
        }
        this.signal.fractionLost = r.fractionLost / 256;
        this.#fec = fecStep(this.#fec, this.#fecMode, this.signal.fractionLost, now);
        this.#direct?.setProtection(this.#fec.protection);
        this.signal.jitterMs = r.jitter / 90;
        this.signal.atMs = now;
      }
    } else if (packet instanceof RtcpPayloadSpecificFeedback) {
      const fb = packet.feedback;
      if (fb instanceof ReceiverEstimatedMaxBitrate) {
        this.signal.rembKbps = Number(fb.bitrate / 1000n);
        // The browser estimates from packets it decrypted: our stream in the list is delivery.
        progress = fb.ssrcFeedbacks.includes(ssrc);
      } else if (fb instanceof PictureLossIndication || fb.count === FIR_COUNT) {
        if (fb instanceof PictureLossIndication) this.pli++;
        else this.fir++;
        this.#events.keyframeWanted(this);
      }
    } else if (packet instanceof RtcpTransportLayerFeedback) {
      this.nack++;
      // werift answers NACKs from what its own sender sent; the direct path's packets are ours.
      if (packet.feedback instanceof GenericNack) this.#direct?.resend(packet.feedback.lost);
      // A NACK names packets missing between ones it decrypted.
      progress = packet.feedback?.mediaSourceSsrc === ssrc;
    }
    onRtcp(this.clock, now, progress);
  }
}
