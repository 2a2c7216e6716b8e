/**
 * The rings of one camera, made once on the main thread and handed to every
 * (re)started actor, so a restarted writer continues the sequence and its
 * readers notice a gap, not a reset.
 *
 * @module
 */
import { type CameraConfig, FrameFormat, rawFrameBytes } from "../defs.ts";
import { createByteRing, createFrameRing } from "../ring/mod.ts";

export interface CameraRings {
  /** Raw frames at the camera's size: camera → encoder. */
  raw: SharedArrayBuffer;
  /** Downscaled low-fps frames: camera → detector. */
  small: SharedArrayBuffer;
  /** Encoded access units: encoder → packetizer, recorder. */
  au: SharedArrayBuffer;
  /** RTP packets, packetized once: packetizer → UDP outputs, WebRTC viewers. */
  rtp: SharedArrayBuffer;
}

/** RTP ring: ~4 s of packets at 8 Mbps with 1200-byte payloads. */
export const RTP_ENTRIES = 4096;
export const RTP_RING_BYTES = 4 << 20;

/** Raw slots: the encoder's frame in flight, the camera's next, and slack for a late reader. */
export const RAW_SLOTS = 4;
/** Access-unit ring entries: ~17 s of 30 fps video. */
export const AU_ENTRIES = 512;
/**
 * Access-unit bytes: 6 s at the top of the camera's adaptive range, at least
 * 2 MiB. Enough for a reader that stalls a few seconds (a slow disk under
 * the recorder) to resync without losing its place; the recorder's pre-roll
 * keeps its own copy, so this need not hold it.
 */
export function auRingBytes(cam: CameraConfig): number {
  return Math.max(2 << 20, Math.ceil((cam.max_bitrate_kbps * 1000 / 8) * 6));
}

/** Reader indexes are fixed per consumer, so a restarted consumer takes its old place. */
export const READER = {
  /** raw ring */
  encoder: 0,
  /** raw ring: JPEG snapshots and MJPEG streams of an H.264 camera (actors/jpeg) */
  jpegFeed: 1,
  /** small ring */
  detector: 0,
  /** au ring */
  packetizer: 0,
  recorder: 1,
  /** au ring: JPEG snapshots and MJPEG streams of an MJPEG camera */
  snapshot: 2,
  /** 3 to 6: one per [[camera.forward]] (MAX_FORWARDS) */
  tlsSender: 3,
  /** au ring: the LL-HLS stream of the camera (actors/hls), one reader for all its players */
  hls: 7,
  /** rtp ring: UDP outputs take 0 to 7 (one per [[camera.rtp]]) */
  rtpOutput: 0,
  viewer: 8,
  /** rtp ring: the RTSP server, one reader for all its players of the camera */
  rtsp: 9,
  /** rtp ring: 10 to 13, one per [[camera.publish]] (MAX_PUBLISH) */
  publish: 10,
} as const;

export function createCameraRings(cam: CameraConfig): CameraRings {
  const format = cam.format === "NV12" ? FrameFormat.NV12 : FrameFormat.I420;
  const det = cam.detection;
  return {
    raw: createFrameRing({
      slots: RAW_SLOTS,
      slotBytes: rawFrameBytes(format, cam.width, cam.height),
    }),
    small: createFrameRing({
      slots: 4,
      slotBytes: rawFrameBytes(FrameFormat.I420, det.width, det.height),
    }),
    au: createByteRing({ entries: AU_ENTRIES, dataBytes: auRingBytes(cam) }),
    rtp: createByteRing({ entries: RTP_ENTRIES, dataBytes: RTP_RING_BYTES }),
  };
}
