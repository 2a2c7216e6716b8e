/**
 * Types shared by several actors, the console and the transports. This module
 * is a leaf: it imports nothing from the project, so any part may import it.
 *
 * @module
 */

/** Pixel or bitstream format of what a ring slot holds. Stored as a number in slot metadata. */
export const FrameFormat = {
  I420: 1,
  NV12: 2,
  GRAY8: 3,
  H264: 16,
  JPEG: 17,
} as const;
export type FrameFormat = typeof FrameFormat[keyof typeof FrameFormat];

/** Bit flags stored with every ring slot. */
export const FrameFlags = {
  /** An H.264 IDR access unit, or any JPEG frame. */
  KEYFRAME: 1,
  /** The first frame after a gap (source restart, overrun, encoder restart). */
  DISCONT: 2,
  /** The access unit carries codec configuration (SPS/PPS). */
  CONFIG: 4,
} as const;

/** Bytes of one raw frame of the given format and size. */
export function rawFrameBytes(format: FrameFormat, width: number, height: number): number {
  switch (format) {
    case FrameFormat.I420:
    case FrameFormat.NV12:
      return width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
    case FrameFormat.GRAY8:
      return width * height;
    default:
      throw new RangeError(`Format ${format} has no fixed raw frame size`);
  }
}

/** Exhaustiveness guard for `switch` over closed unions. */
export function assertNever(value: never): never {
  throw new TypeError(`Unexpected value ${JSON.stringify(value)}`);
}

/** Why an actor or supervisor is asked to stop. */
export type StopReason =
  | "shutdown" // the process is stopping
  | "restart" // a sibling or the supervisor restarts this subtree
  | "config_changed" // a config reload changed this actor's settings
  | "removed"; // the actor's camera or output left the config

/** An error as it crosses a Worker boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** How an actor ended. */
export type ExitReason =
  | { kind: "normal" }
  | { kind: "crashed"; error: SerializedError }
  | { kind: "killed"; afterMs: number }; // did not stop within shutdownMs

export type ActorState = "starting" | "running" | "stopping" | "stopped" | "restarting" | "failed";

// ---------------------------------------------------------------------------
// Validated configuration (ui/config parses TOML into these).

export type Codec = "h264" | "mjpeg";
export type EncoderChoice = "auto" | "v4l2" | "nvenc" | "vaapi" | "x264" | "openh264" | "jpeg";
export type RawFormat = "I420" | "NV12";
export type QualityPreset = "low" | "medium" | "high" | "ultra";

export interface RtpOutputConfig {
  host: string;
  port: number;
  /** DSCP code point, 0–63, written into the IP TOS field (DSCP << 2). */
  dscp: number;
  /** Multicast time to live; used only for multicast destinations. */
  ttl: number;
  /** RTP payload size limit in bytes. */
  mtu: number;
}

export interface CameraConfig {
  id: string;
  /** auto | test | libcamera | v4l2:/dev/videoN | file:/path | rtsp://… */
  source: string;
  width: number;
  height: number;
  fps: number;
  format: RawFormat;
  /** videotestsrc pattern name for `test` sources. */
  pattern: string;
  codec: Codec;
  encoder: EncoderChoice;
  bitrate_kbps: number;
  min_bitrate_kbps: number;
  max_bitrate_kbps: number;
  /** Keyframe interval in frames. */
  gop: number;
  /** JPEG quality 1–100 for mjpeg. */
  jpeg_quality: number;
  max_viewers: number;
  rtp: RtpOutputConfig[];
}

export interface ConsoleConfig {
  listen: string;
  /** Allow a non-loopback listen address without TLS and login. */
  insecure: boolean;
}

export interface LogConfig {
  level: LogLevel;
  format: "auto" | "json" | "text";
}

export interface RecordingConfig {
  enabled: boolean;
  dir: string;
  segment_s: number;
  max_bytes: number;
  /** Seconds. */
  max_age_s: number;
}

export interface DetectionConfig {
  motion: boolean;
  model: string;
}

export interface Config {
  /** State (SQLite, certificates) lives here. */
  data_dir: string;
  console: ConsoleConfig;
  log: LogConfig;
  camera: CameraConfig[];
  recording: RecordingConfig;
  detection: DetectionConfig;
}

// ---------------------------------------------------------------------------
// Logging

export type LogLevel = "debug" | "info" | "warn" | "error";

/** A structured log record. `actor` names who logged it ("main" on the main thread). */
export interface LogRecord {
  ts: string;
  level: LogLevel;
  actor: string;
  msg: string;
  fields?: Record<string, string | number | boolean | null>;
}
