/**
 * The RTP output actor's messages: one actor per `[[camera.rtp]]`, reading
 * the camera's RTP ring and sending each packet over UDP.
 *
 * @module
 */
import type { LinkStatus, RtpOutputConfig } from "../defs.ts";
import type { RtpFaultReason } from "./fault.ts";

export interface RtpOutputInit {
  cameraId: string;
  /** Which `[[camera.rtp]]` this is (0 to 7). */
  output: number;
  config: RtpOutputConfig;
  /** RTP packets in, from the packetizer. */
  rtp: SharedArrayBuffer;
  reader: number;
  /** The stream's SSRC, as the packetizer stamps it. */
  ssrc: number;
  codec: "h264" | "mjpeg";
  /**
   * The camera's sound as RTP (the audio actor's ring), sent to port + 2 (RTCP on port + 3);
   * null when the camera has none or the port leaves no room.
   */
  audio: { rtp: SharedArrayBuffer; reader: number; ssrc: number } | null;
}

/** A receiver's last report block about this stream (RFC 3550 6.4.1). */
export interface RtpReceiverReport {
  ssrc: number;
  /** Packets lost in the last interval, 0..1. */
  fractionLost: number;
  cumulativeLost: number;
  jitterMs: number;
  /** Round trip from LSR/DLSR, when the receiver echoed one of our SRs. */
  rttMs: number | null;
}

/**
 * What `/api/cameras/:id` shows for one output (`stats["rtp[N]"]`). `state`,
 * `since`, `cause`, `retryAt` and `tries` are the destination's link: up,
 * connecting (opened, not yet proven), or offline with the cause and the
 * time of the next try.
 */
export interface RtpOutputStats extends LinkStatus {
  output: number;
  /** host:port as resolved, e.g. "127.0.0.1:5004". */
  destination: string;
  multicast: boolean;
  /** The kind of fault while offline (refused, unreachable, blocked, unresolved, socket), else null. */
  reason: RtpFaultReason | null;
  /** Times the destination went offline since the actor started. */
  outages: number;
  packets: number;
  bytes: number;
  /** Frames whose last packet (marker) was sent. */
  frames: number;
  /** Over the last second, RTP headers included. */
  bitrateKbps: number;
  /** Packets not sent: the kernel refused them, or the destination was offline. */
  sendErrors: number;
  /** Why the last packet was not sent ("EAGAIN", or the last offline cause), or null. */
  lastError: string | null;
  /**
   * Packets this output did not send because it fell behind: lost to ring
   * overruns, more than 2 s old, or skipped until the next keyframe after a gap.
   */
  dropped: number;
  rtcpSent: number;
  rtcpReceived: number;
  rtcpMalformed: number;
  /** PLI/FIR received; those within a second of the last one are not passed on. */
  keyframeRequests: number;
  keyframeRequestsLimited: number;
  receivers: RtpReceiverReport[];
  /** The local port RTCP comes from; receivers send their reports there. */
  rtcpPort: number;
}

export type RtpOutputEvent =
  | { type: "stats"; stats: RtpOutputStats }
  /** A receiver asked for a keyframe (PLI or FIR), already rate-limited. */
  | { type: "keyframe" }
  /** The audio stream's sender (port + 2), as `stats["rtp[N].audio"]`. */
  | { type: "audio_stats"; stats: RtpOutputStats };

export interface RtpOutputProtocol {
  init: RtpOutputInit;
  calls: Record<string, never>;
  cast: { type: "report" };
  event: RtpOutputEvent;
}

export const RTP_OUTPUT_WORKER = new URL("./worker.ts", import.meta.url);

/** A camera's sound goes to the output's port + 2 (RTCP + 3), beside the video's pair. */
export const AUDIO_PORT_OFFSET = 2;
