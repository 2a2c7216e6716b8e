/**
 * The recorder actor's messages. The Worker writes segment files and says
 * what it wrote; the main thread keeps the index (one SQLite connection, one
 * writer) from these events.
 *
 * @module
 */
import type { AudioCodec, CameraConfig, Codec } from "../defs.ts";
import type { SegmentStats } from "./recording_index.ts";

export interface RecorderInit {
  camera: CameraConfig;
  /** The recordings dir (absolute). */
  dir: string;
  /** Target segment length; segments end at the first keyframe past it. */
  segmentS: number;
  /** Access units in. */
  au: SharedArrayBuffer;
  /** This actor's reader index on the AU ring. */
  reader: number;
  /**
   * An H.264 camera's raw frames, for thumbnails: the newest frame when a segment opens, scaled and
   * encoded with jpegenc, so no H.264 decoder (gst-libav, 25 MB of FFmpeg) is ever loaded. Absent:
   * the segment's first keyframe is decoded instead.
   */
  raw?: { ring: SharedArrayBuffer; reader: number };
  /**
   * The camera's sound (the audio actor's Opus ring) and its codec in the file (mux.ts
   * recordedAudio: AAC in AVI); absent when the camera has none (`audio = "none"`).
   */
  audio?: { ring: SharedArrayBuffer; reader: number; codec: AudioCodec };
  /** Recording is paused (by a person) or held (the disk floor is reached) from the start. */
  paused: boolean;
  /** Why the floor holds recording from the start ("disk full at …"), or null. */
  diskFull: string | null;
  /** recording.min_free in bytes: after a full disk, a retry waits until there is room above it. */
  minFreeBytes: number;
}

/** Where the recorder is. */
export type RecorderState =
  /** A segment is open and growing. */
  | "recording"
  /** Recording is wanted but no keyframe has arrived yet (or no frames at all). */
  | "waiting"
  /** Events mode: no event is active; the pre-roll is filling. */
  | "idle"
  /** Scheduled mode: outside every window. */
  | "unscheduled"
  | "paused"
  /** The disk is full (a write failed for lack of space) or under its floor: paused, see `cause`. */
  | "disk_full"
  /** A segment failed to write for another reason: paused until `retryAt`, see `cause`. */
  | "failing";

export interface RecorderStats {
  state: RecorderState;
  /** The open segment (relative path), or null. */
  segment: string | null;
  segments: number;
  /** Access units and their bytes handed to the muxer since the actor started. */
  accessUnits: number;
  auBytes: number;
  /** Access units seen but not recorded (not wanted, waiting for a keyframe, ring overruns). */
  skipped: number;
  /** Access units the ring lost for this reader (it fell behind). */
  ringDrops: number;
  /** Opus packets written into segments since the actor started (0 without sound). */
  audioPackets: number;
  /** Segments whose sound stopped before they ended (the audio actor offline or restarting). */
  audioCut: number;
  /** Seconds of video in the pre-roll buffer (events mode). */
  preRollS: number;
  /** The last write error, kept once recording goes on. */
  lastError: string | null;
  /**
   * While disk_full or failing: why, in words a user can act on ("disk full
   * at /rec: 400 kB free, floor 2.0 MB"); null otherwise.
   */
  cause: string | null;
  /** While held after a write failure: when recording tries again (epoch ms); null otherwise. */
  retryAt: number | null;
}

/** One detector event, as recorded with a segment. */
export interface RecordedEvent {
  kind: string;
  atMs: number;
}

export type RecorderEvent =
  | { type: "opened"; path: string; codec: Codec }
  | {
    type: "closed";
    path: string;
    stats: SegmentStats;
    events: RecordedEvent[];
    /** The file held no frame and was deleted. */
    discarded: boolean;
  }
  | { type: "thumbnail"; path: string; bytes: number }
  | { type: "keyframe_wanted" }
  | {
    type: "failed";
    path: string | null;
    message: string;
    /** The disk (or quota) is full: the main thread checks retention at once. */
    diskFull: boolean;
  }
  | { type: "stats"; stats: RecorderStats };

export interface RecorderProtocol {
  init: RecorderInit;
  calls: {
    status: { args: Record<string, never>; reply: RecorderStats };
  };
  cast:
    /** A detector event; `atNs` on the ring clock. */
    | { type: "trigger"; atNs: number; kind: string }
    | { type: "pause" }
    | { type: "resume" }
    /** The floor check: held with the cause, or released (null). */
    | { type: "disk"; cause: string | null }
    | { type: "report" };
  event: RecorderEvent;
}

export const RECORDER_WORKER = new URL("./worker.ts", import.meta.url);
