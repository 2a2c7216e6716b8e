/**
 * The packetizer actor's messages.
 *
 * @module
 */

export interface PacketizerInit {
  /** Access units in. */
  au: SharedArrayBuffer;
  /** RTP packets out, shared by every transport and viewer. */
  rtp: SharedArrayBuffer;
  reader: number;
  codec: "h264" | "mjpeg";
  /** Largest RTP packet, header included: the smallest MTU of every consumer. */
  mtu: number;
  payloadType: number;
  /** Fixed for the camera's life, so a restarted packetizer keeps the stream's identity. */
  ssrc: number;
  /** RTP timestamp offset (random, RFC 3550). */
  timestampOffset: number;
  /**
   * The viewer packetizer of a camera that may pass through: reads `viewerAu`
   * instead of `au` while the camera asks for an encode for viewers
   * (actors/camera/stream_mode.ts), starting each switch at a keyframe.
   */
  viewers?: { viewerAu: SharedArrayBuffer; mode: SharedArrayBuffer };
}

export interface PacketizerStats {
  accessUnits: number;
  packets: number;
  bytes: number;
  /** Access units lost before packetizing (overrun; the reader resyncs at a keyframe). */
  dropped: number;
  /** Access units the payloader refused (malformed). */
  rejected: number;
}

/** What SDP needs of an H.264 stream, taken from the first keyframe's SPS/PPS. */
export interface StreamParameters {
  /** base64 SPS and PPS for sprop-parameter-sets. */
  sps: string;
  pps: string;
  /** profile-level-id, 6 hex digits. */
  profileLevelId: string;
}

export type PacketizerEvent =
  | { type: "stats"; stats: PacketizerStats }
  | { type: "parameters"; parameters: StreamParameters };

export interface PacketizerProtocol {
  init: PacketizerInit;
  calls: Record<string, never>;
  cast: { type: "report" };
  event: PacketizerEvent;
}

export const PACKETIZER_WORKER = new URL("./worker.ts", import.meta.url);
/** Packets for WebRTC must leave room for SRTP and TURN: 1200 is the common choice. */
export const WEBRTC_MTU = 1200;
/** The payload type in the ring (dynamic range; viewers rewrite it to what they negotiated). */
export const H264_PAYLOAD_TYPE = 96;
/** RFC 2435's static payload type. */
export const JPEG_PAYLOAD_TYPE = 26;
