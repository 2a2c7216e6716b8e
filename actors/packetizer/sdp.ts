/**
 * The SDP of a camera's RTP stream as the packetizer makes it, one function
 * for every place that describes it: the SDP file of a `[[camera.rtp]]`
 * output (`GET /api/cameras/:id/sdp`) and the RTSP server's DESCRIBE. The
 * stream is the same everywhere (payload type, clock, SPS/PPS, SSRC as the
 * session id); only where it goes differs.
 *
 * @module
 */
import { buildSdp } from "../../transports/rtp/mod.ts";
import { AUDIO_PORT_OFFSET } from "../rtp_output/protocol.ts";
import { H264_PAYLOAD_TYPE, JPEG_PAYLOAD_TYPE, type StreamParameters } from "./protocol.ts";

/** What describes a camera's stream. */
export interface StreamDescription {
  cameraId: string;
  codec: "h264" | "mjpeg";
  fps: number;
  ssrc: number;
  /** SPS/PPS once a keyframe went through the packetizer (H.264 only). */
  parameters: StreamParameters | undefined;
  /** Whether the camera sends its sound too (an Opus m=audio section). */
  audio?: boolean;
}

/** Where the stream goes: a UDP destination (an SDP file), or an RTSP control URL. */
export type StreamMedia =
  | { address: string; port: number; ttl?: number }
  /** `audioControl`: the audio section's control URL, when the stream has sound. */
  | { control: string; audioControl?: string };

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/**
 * The SDP (RFC 4566) of `stream` for `media`. Without the SPS/PPS (no
 * keyframe yet) an H.264 description has no sprop-parameter-sets; the
 * packets carry them in-band before every IDR.
 */
export function streamSdp(stream: StreamDescription, media: StreamMedia): string {
  const h264 = stream.codec === "h264";
  const p = stream.parameters;
  return buildSdp({
    codec: h264 ? "h264" : "jpeg",
    ...("control" in media
      ? { address: "0.0.0.0", port: 0, control: media.control }
      : { address: media.address, port: media.port, ttl: media.ttl }),
    payloadType: h264 ? H264_PAYLOAD_TYPE : JPEG_PAYLOAD_TYPE,
    sessionName: `eyrie ${stream.cameraId}`,
    sessionId: stream.ssrc,
    framerate: stream.fps,
    sps: h264 && p !== undefined ? fromBase64(p.sps) : undefined,
    pps: h264 && p !== undefined ? fromBase64(p.pps) : undefined,
    ...(stream.audio !== true
      ? {}
      : "control" in media
      ? { audio: { port: 0, control: media.audioControl ?? "audio" } }
      : { audio: { port: media.port + AUDIO_PORT_OFFSET } }),
  });
}
