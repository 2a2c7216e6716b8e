/**
 * One camera's stream in the RTSP server: a single reader of the camera's
 * RTP ring, taken while someone plays and given back when the last player
 * leaves, whose packets go to every playing session as they are (the
 * packetizer made them once for every consumer). RTCP: a sender report
 * every few seconds to each player, a BYE when a player's session ends, and
 * what players send back (reports, keyframe requests).
 *
 * @module
 */
import { FrameFlags, nowNs } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";
import type { UdpSocket } from "../../ffi/net/mod.ts";
import { VIDEO_CLOCK_RATE } from "../../transports/rtp/mod.ts";
import { RtcpSender, type SenderState } from "../rtp_output/rtcp_sender.ts";
import type { RtspCamera } from "./protocol.ts";
import type { RtspSession } from "./session.ts";
import { AudioStream } from "./audio_stream.ts";

/** Largest packet in the ring: the packetizer's MTU is at most 9000 (config bound). */
const PACKET_BUFFER_BYTES = 16 * 1024;
/**
 * A packet captured longer ago than this is not sent: a live stream does not
 * replay the past after the server fell behind; players wait for a fresh
 * keyframe instead.
 */
const MAX_PACKET_AGE_NS = 2e9;
/** RFC 3550 6.2's minimum report interval, randomized to 0.5–1.5 times it. */
const SR_INTERVAL_MS = 5000;
/** While a player waits for a keyframe, the encoder is asked again this often. */
const KEYFRAME_ASK_EVERY_MS = 1000;

export interface StreamOptions {
  reader: number;
  /** The audio RTP ring's reader index. */
  audioReader: number;
  udp: UdpSocket;
  cname: string;
  /** Asks the camera's encoder for a keyframe. */
  keyframe: () => void;
  /** A session's client stopped taking packets (its connection is full for good). */
  onError: (error: unknown) => void;
}

export class CameraStream {
  readonly camera: RtspCamera;
  readonly rtcp: RtcpSender;
  readonly #options: StreamOptions;
  readonly #players = new Set<RtspSession>();
  readonly #packet = new Uint8Array(PACKET_BUFFER_BYTES);
  #loop: Promise<void> | null = null;
  #keyframeAskedAt = -Infinity;
  #nextSrAt = 0;
  #packets = 0;
  #octets = 0;
  #lastRtpTimestamp = 0;
  #lastCaptureNs = 0;
  /** Packets read from the ring and not sent (too old, after a gap). */
  skipped = 0;

  /** The camera's sound, for sessions that set up its track; null when it has none. */
  readonly audio: AudioStream | null;

  constructor(camera: RtspCamera, options: StreamOptions) {
    this.camera = camera;
    this.#options = options;
    this.rtcp = new RtcpSender({ ssrc: camera.ssrc, cname: options.cname });
    this.audio = camera.audio === null ? null : new AudioStream(camera.audio, {
      reader: options.audioReader,
      udp: options.udp,
      cname: options.cname,
      onError: options.onError,
    });
  }

  get players(): ReadonlySet<RtspSession> {
    return this.#players;
  }

  /** Starts sending to `session` from the next keyframe. */
  play(session: RtspSession): void {
    session.awaitKeyframe = true;
    this.#players.add(session);
    if (session.audio !== null) this.audio?.play(session);
    this.#askKeyframe(true);
    this.#loop ??= this.#run().catch(this.#options.onError).finally(() => (this.#loop = null));
  }

  /** Stops sending to `session`; with `bye`, tells it the stream ended for it. */
  pause(session: RtspSession, bye = false): void {
    this.audio?.pause(session, bye);
    if (!this.#players.delete(session)) return;
    if (bye && this.#packets > 0) {
      session.sendRtcp(this.#options.udp, this.rtcp.goodbye(this.#senderState(), "session ended"));
    }
  }

  /** Every player leaves (the camera left the config or its stream changed). */
  close(): void {
    for (const s of [...this.#players]) this.pause(s, true);
  }

  #askKeyframe(now: boolean): void {
    const t = performance.now();
    if (!now && t - this.#keyframeAskedAt < KEYFRAME_ASK_EVERY_MS) return;
    this.#keyframeAskedAt = t;
    this.#options.keyframe();
  }

  #senderState(): SenderState {
    const now = nowNs();
    const elapsed = this.#lastCaptureNs > 0 ? Math.max(0, now - this.#lastCaptureNs) : 0;
    return {
      nowNs: now,
      rtpTimestamp: (this.#lastRtpTimestamp + Math.round((elapsed * VIDEO_CLOCK_RATE) / 1e9)) >>> 0,
      packetCount: this.#packets,
      octetCount: this.#octets,
    };
  }

  async #run(): Promise<void> {
    const udp = this.#options.udp;
    const packet = this.#packet;
    const reader = new RingReader(this.camera.rtp, this.#options.reader, { start: "next" });
    try {
      while (this.#players.size > 0) {
        await reader.wait(100);
        while (reader.next()) {
          const n = reader.copyTo(packet);
          if (n < 0) continue; // overwritten while copied: the reader counts it
          const old = reader.captureNs > 0 && nowNs() - reader.captureNs > MAX_PACKET_AGE_NS;
          if (reader.gap || old) {
            for (const s of this.#players) s.awaitKeyframe = true;
            this.#askKeyframe(false);
            if (old) {
              this.skipped++;
              continue;
            }
          }
          const keyframe = (reader.flags & FrameFlags.KEYFRAME) !== 0;
          let full = false;
          for (const s of this.#players) {
            if (!s.deliver(udp, packet, n, keyframe, reader.aux)) full = true;
          }
          if (full) this.#askKeyframe(false);
          this.#packets++;
          this.#octets += Math.max(0, n - 12);
          this.#lastRtpTimestamp = reader.aux >>> 0;
          this.#lastCaptureNs = reader.captureNs;
        }
        let waiting = false;
        for (const s of this.#players) waiting ||= s.awaitKeyframe;
        if (waiting) this.#askKeyframe(false);
        const now = performance.now();
        if (this.#packets > 0 && now >= this.#nextSrAt) {
          const sr = this.rtcp.report(this.#senderState());
          for (const s of this.#players) if (!s.awaitKeyframe) s.sendRtcp(udp, sr);
          this.#nextSrAt = now + SR_INTERVAL_MS * (0.5 + Math.random());
        }
      }
    } finally {
      reader.close();
    }
  }
}
