/**
 * The encoder actor's messages.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";

export interface EncoderInit {
  camera: CameraConfig;
  /** Raw frames in. */
  raw: SharedArrayBuffer;
  /** Access units out. */
  au: SharedArrayBuffer;
  /** This actor's reader index on the raw ring. */
  reader: number;
  /** The AU ring's writer handshake (actors/camera/stream_mode.ts): held while the camera passes through. */
  mode: SharedArrayBuffer;
  /** While held, with the camera asking for it: access units for WebRTC viewers only. */
  viewerAu?: SharedArrayBuffer;
  /**
   * The raw frames' size when it is not `camera`'s (the sub stream's encoder:
   * `camera` is the sub stream, the ring holds the camera's pictures). Frames
   * are scaled to `camera.width`x`camera.height` and thinned to `camera.fps`.
   */
  input?: { width: number; height: number; fps: number };
  /**
   * Encode only while this word (demand.ts) says the stream is used, and for
   * a while after (the sub stream); absent: always (the main stream).
   */
  demand?: SharedArrayBuffer;
}

export interface EncoderStats {
  /** The GStreamer element encoding now. */
  element: string;
  hardware: boolean;
  framesIn: number;
  accessUnits: number;
  keyframes: number;
  /** Access units per second over the last report interval. */
  fps: number;
  /** Measured output bitrate over the last report interval. */
  bitrateKbps: number;
  /** The rate the encoder is asked for. */
  targetKbps: number;
  /** Raw frames lost before encoding (overrun, skipped to stay live, torn). */
  dropped: number;
  /** Frame pushed → access unit out, over the last 256 frames. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  fallbacks: number;
  /** True while the camera passes its source through and this encoder leaves the AU ring alone. */
  held: boolean;
  /** True while it encodes for WebRTC viewers only (a passed-through source with B-frames). */
  forViewers: boolean;
  /** True while nobody uses the stream (made on demand) and nothing is encoded. */
  idle: boolean;
}

export type EncoderEvent =
  | { type: "stats"; stats: EncoderStats }
  | { type: "fallback"; from: string; to: string; reason: string };

export interface EncoderProtocol {
  init: EncoderInit;
  calls: {
    describe: { args: Record<string, never>; reply: { element: string; pipeline: string } };
  };
  cast:
    | { type: "keyframe" }
    | { type: "set_bitrate"; kbps: number }
    | { type: "report" };
  event: EncoderEvent;
}

export const ENCODER_WORKER = new URL("./worker.ts", import.meta.url);
