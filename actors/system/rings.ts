/**
 * The rings of one camera, made once on the main thread and handed to every
 * (re)started actor, so a restarted writer continues the sequence and its
 * readers notice a gap, not a reset.
 *
 * @module
 */
import { type CameraConfig, FrameFormat, rawFrameBytes } from "../defs.ts";
import { createByteRing, createFrameRing } from "../ring/mod.ts";
import { mayPassThrough } from "../camera/passthrough.ts";

export interface CameraRings {
  /** Raw frames at the camera's size: camera → encoder. */
  raw: SharedArrayBuffer;
  /** Downscaled low-fps frames: camera → detector. */
  small: SharedArrayBuffer;
  /** Encoded access units: encoder → packetizer, recorder. */
  au: SharedArrayBuffer;
  /** RTP packets, packetized once: packetizer → UDP outputs, WebRTC viewers. */
  rtp: SharedArrayBuffer;
  /**
   * A camera that may pass its source through: eyrie's own encode for WebRTC
   * viewers when the source has B-frames (encoder → viewer packetizer), and
   * the viewers' RTP (viewer packetizer → viewer).
   */
  viewerAu?: SharedArrayBuffer;
  viewerRtp?: SharedArrayBuffer;
  /** Opus packets, one per entry (actors/audio): audio → viewers, recorder. */
  audio: SharedArrayBuffer;
  /**
   * The same packets as RTP (RFC 7587), made once by the audio actor, the RTP timestamp in each
   * entry's aux: audio → RTP outputs, the RTSP server.
   */
  audioRtp: SharedArrayBuffer;
  /**
   * A camera with `[camera.sub]`: the sub stream's access units (sub encoder →
   * sub packetizer) and RTP (sub packetizer → viewer).
   */
  subAu?: SharedArrayBuffer;
  subRtp?: SharedArrayBuffer;
}

/**
 * Audio ring entries: 20 s of 20 ms Opus packets. The data: 1024 packets of up to 256 bytes (an
 * Opus packet at 32 kb/s is about 80), 256 KiB: a camera's sound costs it a quarter of a MiB.
 */
export const AUDIO_ENTRIES = 1024;
export const AUDIO_RING_BYTES = 256 << 10;

/** Reader indexes of the audio ring, fixed per consumer like the others. */
export const AUDIO_READER = {
  /** the WebRTC viewer actor (one reader for all its sessions) */
  viewer: 0,
  /** the RTSP server */
  rtsp: 1,
  /** the recorder */
  recorder: 2,
  /** 3 to 10: one per [[camera.rtp]] */
  rtpOutput: 3,
  /** tests and benches that look at what the audio actor wrote */
  probe: 15,
} as const;

/** Reader indexes of the audio RTP ring. */
export const AUDIO_RTP_READER = {
  /** 0 to 7: one per [[camera.rtp]] */
  rtpOutput: 0,
  /** the RTSP server */
  rtsp: 9,
  /** tests */
  probe: 15,
} as const;

/**
 * RTP bytes: 4 s of packets at the top of the camera's adaptive range (1200-byte payloads and 12
 * bytes of header each), at least 1 MiB. A live reader (a viewer, a UDP output) that is 4 s behind
 * has lost its place anyway; the ring only has to ride out a stall of its Worker. 4 MiB at the
 * default `max_bitrate_kbps` of 8000; 1 MiB up to 2000.
 */
export function rtpRingBytes(cam: CameraConfig): number {
  return Math.max(1 << 20, Math.ceil((cam.max_bitrate_kbps * 1000 / 8) * 4 * (1212 / 1200)));
}

/**
 * RTP entries: one per packet, about one per KiB of the ring (a frame's last packet is short, and
 * a low-rate stream sends at least one packet a frame), at least 1024, rounded up to a power of
 * two (the ring's index arithmetic): 4096 at the default 8000.
 */
export function rtpRingEntries(cam: CameraConfig): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1024, rtpRingBytes(cam) / 1024)));
}

/** Raw slots: the encoder's frame in flight, the camera's next, and slack for a late reader. */
export const RAW_SLOTS = 4;
/** Access-unit ring entries: ~17 s of 30 fps video. */
export const AU_ENTRIES = 512;
/**
 * Access-unit bytes: 6 s at the top of the camera's adaptive range
 * (`max_bitrate_kbps`), at least 2 MiB: 6 MB at the default 8000, 2 MiB up to 2800. Enough for a reader that stalls a few seconds (a slow disk under
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
  /** raw ring: the recorder's segment thumbnails of an H.264 camera (one frame a segment) */
  thumbnail: 2,
  /** raw ring: the sub stream's encoder (`[camera.sub]`); it is reader 0 of subAu, the viewer of subRtp */
  subEncoder: 3,
  /** small ring */
  detector: 0,
  /** au ring */
  packetizer: 0,
  recorder: 1,
  /** au ring: JPEG snapshots and MJPEG streams of an MJPEG camera */
  snapshot: 2,
  /** au ring and viewerAu ring: the viewer packetizer of a camera that may pass through */
  viewerPacketizer: 7,
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
  const viewers = mayPassThrough(cam)
    ? {
      viewerAu: createByteRing({ entries: AU_ENTRIES, dataBytes: auRingBytes(cam) }),
      viewerRtp: createByteRing({ entries: rtpRingEntries(cam), dataBytes: rtpRingBytes(cam) }),
    }
    : {};
  // The sub stream's rings are sized by its own top rate (the sub viewers' bitrate only lowers it).
  const sub = cam.sub === null ? {} : (() => {
    const top = { ...cam, max_bitrate_kbps: cam.sub.bitrate_kbps };
    return {
      subAu: createByteRing({ entries: AU_ENTRIES, dataBytes: auRingBytes(top) }),
      subRtp: createByteRing({ entries: rtpRingEntries(top), dataBytes: rtpRingBytes(top) }),
    };
  })();
  return {
    ...viewers,
    ...sub,
    raw: createFrameRing({
      slots: RAW_SLOTS,
      slotBytes: rawFrameBytes(format, cam.width, cam.height),
    }),
    small: createFrameRing({
      slots: 4,
      slotBytes: rawFrameBytes(FrameFormat.I420, det.width, det.height),
    }),
    au: createByteRing({ entries: AU_ENTRIES, dataBytes: auRingBytes(cam) }),
    rtp: createByteRing({ entries: rtpRingEntries(cam), dataBytes: rtpRingBytes(cam) }),
    audio: createByteRing({ entries: AUDIO_ENTRIES, dataBytes: AUDIO_RING_BYTES }),
    audioRtp: createByteRing({ entries: AUDIO_ENTRIES, dataBytes: AUDIO_RING_BYTES }),
  };
}
