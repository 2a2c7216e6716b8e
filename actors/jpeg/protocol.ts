/**
 * The JPEG feed actor's messages: pictures of a camera for snapshots and
 * MJPEG streams, made only while someone watches.
 *
 * @module
 */
import type { RawFormat } from "../defs.ts";

/** Pictures per second at most. Reason: they serve humans, not the recorder. */
export const FEED_FPS = 5;
/** JPEG quality of pictures made from raw frames. */
export const FEED_QUALITY = 85;
/** Longest a picture may take to encode before the feed gives up on it. */
export const ENCODE_TIMEOUT_MS = 2_000;

export interface JpegInit {
  /**
   * What the ring holds: raw frames to encode (an H.264 camera's raw ring),
   * or JPEG access units to pass on as they are (an MJPEG camera's AU ring).
   */
  source:
    | { kind: "raw"; format: RawFormat; width: number; height: number; fps: number }
    | { kind: "jpeg" };
  ring: SharedArrayBuffer;
  /** This actor's reader index on `ring`. */
  reader: number;
  /** Pictures per second at most. */
  fps: number;
  quality: number;
}

export type JpegEvent = { type: "picture"; jpeg: Uint8Array<ArrayBuffer> };

export interface JpegProtocol {
  init: JpegInit;
  calls: Record<string, never>;
  cast: never;
  event: JpegEvent;
}

export const JPEG_WORKER = new URL("./worker.ts", import.meta.url);
