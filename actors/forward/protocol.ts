/**
 * The forward actor's messages: one actor per `[[camera.forward]]`, sending
 * the camera's access units to another eyrie over mutual TLS.
 *
 * @module
 */
import type { ForwardConfig, LinkStatus } from "../defs.ts";

export interface ForwardInit {
  cameraId: string;
  /** Which `[[camera.forward]]` of the camera. */
  index: number;
  config: ForwardConfig;
  /** The camera's access-unit ring. */
  au: SharedArrayBuffer;
  reader: number;
}

/**
 * What `/api/cameras/:id` shows for one forward (`stats["forward[N]"]`).
 * `state`, `since`, `cause`, `retryAt` and `tries` are the link to the
 * receiver: connecting, up (connected and admitted), or offline with the
 * cause and the time of the next try.
 */
export interface ForwardStats extends LinkStatus {
  /** host:port of the receiver. */
  to: string;
  /** Times the link went offline (a refused try after being up, or a lost connection). */
  outages: number;
  /** Connections made (the first and every reconnection). */
  connects: number;
  /** Access units written to the receiver, and their bytes (frame headers included). */
  sent: number;
  sentBytes: number;
  /** Dropped by the send queue while the link was slower than the stream. */
  dropped: number;
  /** Lost in the ring before they could be sent (the actor fell behind). */
  ringDrops: number;
  /** Why the last connection attempt or connection failed (kept once up again). */
  lastError: string | null;
  /** The receiver's certificate fingerprint while connected. */
  server: string | null;
}

export type ForwardEvent =
  | { type: "stats"; stats: ForwardStats }
  /** Just connected: a keyframe soon lets the receiver start. */
  | { type: "keyframe" };

export interface ForwardProtocol {
  init: ForwardInit;
  calls: Record<string, never>;
  cast: { type: "report" };
  event: ForwardEvent;
}

export const FORWARD_WORKER = new URL("./worker.ts", import.meta.url);
