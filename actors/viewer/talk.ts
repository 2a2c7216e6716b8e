/**
 * One talker: a werift RTCPeerConnection answering a talk offer (the
 * browser's microphone, one sending audio section) recvonly, each Opus RTP
 * packet it receives depacketized (transports/rtp/opus/depacketize.ts) and
 * handed on. The session ends when the browser closes it, its connection
 * fails, it never connects, or no sound comes for a while: a talker who
 * left without a word does not hold the speaker for long.
 *
 * @module
 */
import {
  type MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useSdesMid,
} from "werift";
import { OpusDepacketizer } from "../../transports/rtp/opus/depacketize.ts";
import type { DepacketizerStats } from "../../transports/rtp/depacketizer.ts";
import { iceSettings } from "./ice.ts";
import type { TalkArgs } from "./protocol.ts";

/** A talk session that has not connected by then is ended. Reason: ICE + DTLS take < 1 s here. */
export const TALK_CONNECT_MS = 15_000;
/**
 * A connected talker that sent nothing for this long has left. Reason: a
 * browser sends a packet every 20 ms while its track is live (silence too,
 * as small packets); a closed tab or a lost link stops them at once.
 */
export const TALK_SILENCE_MS = 5_000;

/** Why a talk session ended. */
export type TalkEnd = "closed" | "remote_closed" | "never_connected" | "silent" | "speaker_failed";

export interface TalkEvents {
  /** One Opus packet, at `samples` (48 kHz) on the talker's timeline. */
  packet(opus: Uint8Array, samples: number): void;
  ended(session: TalkSession, reason: TalkEnd): void;
}

export class TalkSession {
  readonly id = crypto.randomUUID();
  /** Who holds the speaker: the user's name, or the client's address without sign-in. */
  readonly holder: string;
  readonly since = new Date().toISOString();
  state: "connecting" | "connected" | "closed" = "connecting";
  readonly #pc: RTCPeerConnection;
  readonly #events: TalkEvents;
  readonly #depacketizer: OpusDepacketizer;
  readonly #startedMs: number;
  #lastPacketMs: number;

  private constructor(
    pc: RTCPeerConnection,
    tracks: readonly MediaStreamTrack[],
    args: TalkArgs,
    payloadType: number,
    events: TalkEvents,
    nowMs: number,
  ) {
    this.#pc = pc;
    this.holder = args.holder;
    this.#events = events;
    this.#startedMs = this.#lastPacketMs = nowMs;
    this.#depacketizer = new OpusDepacketizer({ payloadType });
    pc.connectionStateChange.subscribe((state) => {
      if (state === "connected" && this.state === "connecting") this.state = "connected";
      else if (state === "failed" || state === "closed") this.close("remote_closed");
    });
    for (const track of tracks) {
      track.onReceiveRtp.subscribe((rtp) => {
        if (this.state === "closed") return;
        this.#lastPacketMs = performance.now();
        // werift hands packets over parsed; the depacketizer checks the bytes as they came.
        const r = this.#depacketizer.push(rtp.serialize());
        if (r.kind === "frame") this.#events.packet(r.data, r.samples);
      });
    }
  }

  /** Answers a checked talk offer recvonly; the session starts connecting. Throws what werift throws. */
  static async answer(
    args: TalkArgs,
    events: TalkEvents,
    nowMs: number,
  ): Promise<{ session: TalkSession; sdp: string }> {
    const pc = new RTCPeerConnection({
      ...iceSettings(args.hosts, args.ice),
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48_000, channels: 2 }),
        ],
        video: [],
      },
      headerExtensions: { audio: [useSdesMid()] },
    });
    // werift announces the browser's track while it applies the offer: listen before.
    const tracks: MediaStreamTrack[] = [];
    pc.onTrack.subscribe((track) => void tracks.push(track));
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: args.sdp });
      for (const t of pc.getTransceivers()) t.setDirection("recvonly");
      await pc.setLocalDescription(await pc.createAnswer());
      const sdp = pc.localDescription?.sdp;
      if (sdp === undefined) throw new Error("werift made no answer");
      const session = new TalkSession(pc, tracks, args, args.payloadType, events, nowMs);
      return { session, sdp };
    } catch (error) {
      await pc.close().catch(() => {});
      throw error;
    }
  }

  /** The depacketizer's counters: packets, lost, late, malformed. */
  get stats(): Readonly<DepacketizerStats> {
    return this.#depacketizer.stats;
  }

  /** Call periodically: ends a session that never connected, or whose sound stopped. */
  poll(nowMs: number): void {
    if (this.state === "connecting" && nowMs - this.#startedMs > TALK_CONNECT_MS) {
      this.close("never_connected");
    } else if (this.state === "connected" && nowMs - this.#lastPacketMs > TALK_SILENCE_MS) {
      this.close("silent");
    }
  }

  /** Ends the session (idempotent); `ended` is heard once. */
  close(reason: TalkEnd): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.#pc.close().catch(() => {});
    this.#events.ended(this, reason);
  }
}
