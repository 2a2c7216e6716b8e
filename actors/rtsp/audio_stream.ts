/**
 * One camera's sound in the RTSP server: a reader of the camera's audio RTP
 * ring (Opus, RFC 7587, made once by the audio actor), taken while someone
 * plays with the audio track set up, whose packets go to those sessions as
 * they are, with a sender report on the 48 kHz clock every few seconds.
 * Every Opus packet is a whole frame: a player starts at any packet.
 *
 * @module
 */
import { nowNs } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";
import type { UdpSocket } from "../../ffi/net/mod.ts";
import { OPUS_CLOCK_RATE } from "../../transports/rtp/opus/packetize.ts";
import { RtcpSender, type SenderState } from "../rtp_output/rtcp_sender.ts";
import type { RtspSession } from "./session.ts";

/** Largest packet in the ring: an Opus packet (≤ 1275 bytes) and its header. */
const PACKET_BUFFER_BYTES = 2048;
/** A packet captured longer ago than this is not sent (the server fell behind). */
const MAX_PACKET_AGE_NS = 2e9;
/** RFC 3550 6.2's minimum report interval, randomized to 0.5–1.5 times it. */
const SR_INTERVAL_MS = 5000;

export class AudioStream {
  readonly rtcp: RtcpSender;
  readonly #ring: SharedArrayBuffer;
  readonly #reader: number;
  readonly #udp: UdpSocket;
  readonly #onError: (error: unknown) => void;
  readonly #players = new Set<RtspSession>();
  readonly #packet = new Uint8Array(PACKET_BUFFER_BYTES);
  #loop: Promise<void> | null = null;
  #nextSrAt = 0;
  #packets = 0;
  #octets = 0;
  #lastRtpTimestamp = 0;
  #lastCaptureNs = 0;

  constructor(
    audio: { rtp: SharedArrayBuffer; ssrc: number },
    options: { reader: number; udp: UdpSocket; cname: string; onError: (e: unknown) => void },
  ) {
    this.#ring = audio.rtp;
    this.#reader = options.reader;
    this.#udp = options.udp;
    this.#onError = options.onError;
    this.rtcp = new RtcpSender({ ssrc: audio.ssrc, cname: options.cname });
  }

  /** Starts sending to `session` (which has its audio track set up) from the next packet. */
  play(session: RtspSession): void {
    this.#players.add(session);
    this.#loop ??= this.#run().catch(this.#onError).finally(() => (this.#loop = null));
  }

  pause(session: RtspSession, bye = false): void {
    if (!this.#players.delete(session)) return;
    if (bye && this.#packets > 0) {
      session.sendAudioRtcp(this.#udp, this.rtcp.goodbye(this.#senderState(), "session ended"));
    }
  }

  #senderState(): SenderState {
    const now = nowNs();
    const elapsed = this.#lastCaptureNs > 0 ? Math.max(0, now - this.#lastCaptureNs) : 0;
    return {
      nowNs: now,
      rtpTimestamp: (this.#lastRtpTimestamp + Math.round((elapsed * OPUS_CLOCK_RATE) / 1e9)) >>>
        0,
      packetCount: this.#packets,
      octetCount: this.#octets,
    };
  }

  async #run(): Promise<void> {
    const udp = this.#udp;
    const packet = this.#packet;
    const reader = new RingReader(this.#ring, this.#reader, { start: "next" });
    try {
      while (this.#players.size > 0) {
        await reader.wait(100);
        while (reader.next()) {
          const n = reader.copyTo(packet);
          if (n < 0) continue;
          if (reader.captureNs > 0 && nowNs() - reader.captureNs > MAX_PACKET_AGE_NS) continue;
          for (const s of this.#players) s.deliverAudio(udp, packet, n);
          this.#packets++;
          this.#octets += Math.max(0, n - 12);
          this.#lastRtpTimestamp = reader.aux >>> 0;
          this.#lastCaptureNs = reader.captureNs;
        }
        const now = performance.now();
        if (this.#packets > 0 && now >= this.#nextSrAt) {
          const sr = this.rtcp.report(this.#senderState());
          for (const s of this.#players) s.sendAudioRtcp(udp, sr);
          this.#nextSrAt = now + SR_INTERVAL_MS * (0.5 + Math.random());
        }
      }
    } finally {
      reader.close();
    }
  }
}
