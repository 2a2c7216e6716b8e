/**
 * The forward actor's messages: one actor per `[[camera.forward]]`, sending
 * the camera's access units to another eyrie over mutual TLS.
 *
 * @module
 */
import type { ForwardConfig } from "../defs.ts";

export interface ForwardInit {
  cameraId: string;
  /** Which `[[camera.forward]]` of the camera. */
  index: number;
  config: ForwardConfig;
  /** The camera's access-unit ring. */
  au: SharedArrayBuffer;
  reader: number;
}

/** Where the connection stands. */
export type ForwardState = "connecting" | "connected" | "retrying";

export interface ForwardStats {
  state: ForwardState;
  /** host:port of the receiver. */
  to: string;
  /** Connections made (the first and every reconnection). */
  connects: number;
  /** Access units written to the receiver, and their bytes (frame headers included). */
  sent: number;
  sentBytes: number;
  /** Dropped by the send queue while the link was slower than the stream. */
  dropped: number;
  /** Lost in the ring before they could be sent (the actor fell behind). */
  ringDrops: number;
  /** Why the last connection attempt or connection failed. */
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
