/**
 * The camera actor's messages.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import type { LinkState } from "../supervisor/link.ts";
import type { SourceStream } from "./au_feed.ts";
import type { StreamPlan } from "./passthrough.ts";
import type { DecodeCounters } from "./passthrough_decode.ts";

export interface CameraInit {
  camera: CameraConfig;
  /** Raw frames at the camera's size. */
  raw: SharedArrayBuffer;
  /** Downscaled low-fps frames for the detector. */
  small: SharedArrayBuffer;
  /** Access units: written by the camera only while it passes its source through. */
  au: SharedArrayBuffer;
  /** Who writes the AU ring (stream_mode.ts). */
  mode: SharedArrayBuffer;
  /** No frame for this long and the source is stalled: offline, reopened after a backoff. */
  watchdogMs: number;
  /** How long the first frame of each try may take. */
  firstFrameMs: number;
  /** Whether the sub stream is used (actors/encoder/demand.ts): passing through, it is decoded for only then. */
  subDemand?: SharedArrayBuffer;
}

export interface CameraStats {
  /** The source as a user reads it, resolved (auto → what it found), without passwords. */
  source: string;
  frames: number;
  /** Frames per second over the last report interval. */
  fps: number;
  smallFrames: number;
  width: number;
  height: number;
  format: string;
  /** Times a file source looped. */
  loops: number;
  /** How the main stream is made now, and why. */
  main: MainStreamReport;
}

/** The main stream as `/api/cameras/:id` shows it. */
export interface MainStreamReport extends StreamPlan {
  /** While passing through: the source's stream, once its first SPS came. */
  source?: SourceStream;
  /** While passing through: the source's access units forwarded, and dropped. */
  accessUnits?: number;
  dropped?: number;
  /** While passing through: WebRTC viewers get eyrie's encode (the source has B-frames). */
  viewersEncoded?: boolean;
  /**
   * While passing through: access units handed to the decoder (keyframes
   * only, or every one while something needs every picture: `every`), and
   * GOPs it lost being behind (passthrough_decode.ts).
   */
  decoding?: DecodeCounters;
}

export type CameraEvent =
  | { type: "stats"; stats: CameraStats }
  /** The source's state changed: connecting, up, or offline with its cause and next try. */
  | { type: "source"; state: LinkState }
  | { type: "warning"; message: string };

export interface CameraProtocol {
  init: CameraInit;
  calls: {
    /** The pipeline in use (passwords replaced by ***) and the source as a user reads it. */
    describe: { args: Record<string, never>; reply: { pipeline: string; source: string } };
  };
  cast: { type: "report" };
  event: CameraEvent;
}

export const CAMERA_WORKER = new URL("./worker.ts", import.meta.url);

/** A camera with no frame for this long is stalled (2 s, per the design). */
export const WATCHDOG_MS = 2000;
/** A source gets this long for its first frame (an RTSP server or a Pi camera take a moment). */
export const FIRST_FRAME_MS = 10_000;
