/**
 * One RTSP session on the server: a client watching one camera over UDP
 * (to its ports, from the server's) or over its RTSP connection (TCP
 * interleaved). The camera's stream hands it every packet of the ring as
 * it is; the session only decides whether this client gets it (it starts
 * at a keyframe, and after a loss skips to the next) and how it goes out.
 * Nothing in a packet is rewritten: every client of a camera gets the same
 * SSRC, sequence numbers and timestamps.
 *
 * @module
 */
import type { SendTarget, UdpSocket } from "../../ffi/net/mod.ts";
import type { SessionState } from "../../transports/rtsp/mod.ts";
import type { Outbox } from "./outbox.ts";
import type { RtspSessionStats } from "./protocol.ts";

/** Where a session's packets go. */
export type SessionTransport =
  | { lower: "udp"; address: string; rtp: SendTarget; rtcp: SendTarget }
  | {
    lower: "tcp";
    address: string;
    channels: [number, number];
    outbox: Outbox;
    connection: number;
  };

/** The first packet a new player gets, for the PLAY response's RTP-Info. */
export interface PlayStart {
  seq: number;
  rtptime: number;
}

export class RtspSession {
  readonly id: string;
  readonly camera: string;
  readonly user: string | null;
  readonly transport: SessionTransport;
  readonly startedAt = Date.now();
  /** The control URL the client set up (RTP-Info names it). */
  readonly trackUrl: string;
  state: SessionState = "ready";
  /** Last sign of life from the client (a request on the session, RTCP), ms on the worker's clock. */
  seenAt: number;
  /** True until the next keyframe: a decoder can start nowhere else. */
  awaitKeyframe = true;
  /** Where the camera's sound goes, once the client set up the audio track (SETUP trackID=1). */
  audio: { transport: SessionTransport; trackUrl: string } | null = null;
  /** A PLAY waiting for its first packet, to say which in RTP-Info. */
  onFirstPacket: ((start: PlayStart) => void) | null = null;
  packets = 0;
  bytes = 0;
  dropped = 0;

  constructor(
    init: {
      id: string;
      camera: string;
      user: string | null;
      transport: SessionTransport;
      trackUrl: string;
      now: number;
    },
  ) {
    this.id = init.id;
    this.camera = init.camera;
    this.user = init.user;
    this.transport = init.transport;
    this.trackUrl = init.trackUrl;
    this.seenAt = init.now;
  }

  /**
   * Sends one packet of the camera's stream (`packet[0, n)`, its ring flags
   * read by the caller). Returns false when the client could not take it
   * and should get a keyframe soon.
   */
  deliver(
    udp: UdpSocket,
    packet: Uint8Array,
    n: number,
    keyframe: boolean,
    rtptime: number,
  ): boolean {
    if (this.awaitKeyframe) {
      if (!keyframe) {
        this.dropped++;
        return true;
      }
      this.awaitKeyframe = false;
      const started = this.onFirstPacket;
      this.onFirstPacket = null;
      started?.({ seq: (packet[2] << 8) | packet[3], rtptime: rtptime >>> 0 });
    }
    const t = this.transport;
    if (t.lower === "udp") {
      // A full socket buffer costs this packet (EAGAIN); UDP receivers cope with a loss.
      if (udp.send(packet, n, t.rtp) !== 0) {
        this.dropped++;
        return true;
      }
    } else if (!t.outbox.packet(t.channels[0], packet, n)) {
      this.dropped++;
      this.awaitKeyframe = true;
      return false;
    }
    this.packets++;
    this.bytes += n;
    return true;
  }

  /** Sends one packet of the camera's sound the way the audio track was set up. */
  deliverAudio(udp: UdpSocket, packet: Uint8Array, n: number): void {
    const t = this.audio?.transport;
    if (t === undefined) return;
    // A lost audio packet costs 20 ms of sound; nothing to wait for.
    const sent = t.lower === "udp"
      ? udp.send(packet, n, t.rtp) === 0
      : t.outbox.packet(t.channels[0], packet, n);
    if (!sent) {
      this.dropped++;
      return;
    }
    this.packets++;
    this.bytes += n;
  }

  /** Sends an RTCP packet of the sound's stream the way the audio track goes. */
  sendAudioRtcp(udp: UdpSocket, bytes: Uint8Array): void {
    const t = this.audio?.transport;
    if (t === undefined) return;
    if (t.lower === "udp") udp.send(bytes, bytes.length, t.rtcp);
    else t.outbox.packet(t.channels[1], bytes, bytes.length);
  }

  /** Sends an RTCP packet (a sender report, a BYE) the way this session's RTP goes. */
  sendRtcp(udp: UdpSocket, bytes: Uint8Array): void {
    const t = this.transport;
    if (t.lower === "udp") udp.send(bytes, bytes.length, t.rtcp);
    else t.outbox.packet(t.channels[1], bytes, bytes.length);
  }

  stats(): RtspSessionStats {
    const t = this.transport;
    return {
      id: this.id,
      camera: this.camera,
      user: this.user,
      client: t.lower === "udp" ? `${t.address}:${t.rtp.address.port}` : t.address,
      transport: t.lower,
      state: this.state,
      packets: this.packets,
      bytes: this.bytes,
      dropped: this.dropped,
      startedAt: this.startedAt,
    };
  }
}
