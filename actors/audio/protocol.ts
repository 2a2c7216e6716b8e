/**
 * The audio actor's messages.
 *
 * @module
 */
import type { CameraConfig, LinkState } from "../defs.ts";
import type { AudioRoute } from "./plan.ts";

export interface AudioInit {
  camera: CameraConfig;
  /** Opus packets, one entry each: audio → viewers, RTP, RTSP, recorder. */
  ring: SharedArrayBuffer;
  /** The same packets as RTP for the RTP outputs and the RTSP server, with this identity. */
  rtp: SharedArrayBuffer;
  ssrc: number;
  timestampOffset: number;
  /** No packet for this long and the source is stalled: offline, reopened after a backoff. */
  watchdogMs: number;
  /** How long the first packet of each try may take. */
  firstPacketMs: number;
}

/**
 * The audio's state: the source link's (connecting, up, offline with its
 * cause), or none: the camera has no sound and that is no fault (`audio =
 * "none"`, a camera stream without an audio track, a machine without input).
 */
export type AudioState = LinkState | { state: "none"; since: number; reason: string };

export interface AudioStats {
  /** The source as a user reads it ("test tone 440 Hz", "alsa:hw:1,0"). */
  source: string;
  codec: "opus";
  packets: number;
  bytes: number;
  /**
   * Packets left out: a camera's own Opus packet that is not one (its TOC
   * byte unreadable) or longer than one RTP packet may carry (1275 bytes).
   */
  refused: number;
  /** Over the last report interval. */
  kbps: number;
}

/** What the audio actor last said of its sound: state, source, and how it reaches the ring. */
export interface AudioReport {
  state: AudioState;
  /** The source as a user reads it. */
  source: string;
  /** Passed through or encoded, and why; absent until a session has opened. */
  route?: AudioRoute;
}

export type AudioEvent =
  | { type: "stats"; stats: AudioStats }
  | ({ type: "state" } & AudioReport);

export interface AudioProtocol {
  init: AudioInit;
  calls: {
    /** The pipeline in use (passwords replaced by ***) and the source as a user reads it. */
    describe: { args: Record<string, never>; reply: { pipeline: string; source: string } };
  };
  cast: { type: "report" };
  event: AudioEvent;
}

export const AUDIO_WORKER = new URL("./worker.ts", import.meta.url);

/** Audio with no packet for this long is stalled (a live source sends one every 20 ms). */
export const AUDIO_WATCHDOG_MS = 2000;
/** A source gets this long for its first packet (an RTSP camera takes a moment). */
export const AUDIO_FIRST_PACKET_MS = 10_000;
/**
 * While a camera stream is found to have no audio track, it is looked at
 * again this often (a camera whose microphone is switched on in its settings).
 */
export const NO_TRACK_RECHECK_MS = 60_000;
