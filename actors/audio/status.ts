/**
 * A camera's sound for `/api/cameras/:id` (`audio`) and the console tile:
 * live, connecting, offline with its cause, restarting (its actor crashed),
 * or none with the reason there is no sound (not a fault).
 *
 * @module
 */
import type { ActorHealth } from "../system/health.ts";
import type { AudioReport } from "./protocol.ts";
import type { AudioRoute } from "./plan.ts";

export interface AudioStatus {
  state: "live" | "connecting" | "offline" | "restarting" | "none";
  /** The source as a user reads it ("test tone 440 Hz", "alsa:hw:1,0"), once known. */
  source?: string;
  /** The codec of the audio ring, WebRTC, RTP and RTSP (absent when there is no sound). */
  codec?: "opus";
  /**
   * Whether the source's own packets are passed through or eyrie encodes
   * them, and why (as `streams.main` says for the video); once a session opened.
   */
  route?: AudioRoute;
  /** Why it is offline or restarting. */
  cause?: string;
  /** Why there is no sound (state none). */
  reason?: string;
  /** ISO time of the next try (offline). */
  retry_at?: string;
  /** ISO time since when it is in this state. */
  since?: string;
  /** Tries that failed in this outage (offline). */
  tries?: number;
}

/**
 * The sound of camera `id`: `configured` is its `audio` key, `reported` what
 * its audio actor said last, `actor` that actor's health (absent: not started).
 */
export function audioStatus(
  configured: string,
  reported: AudioReport | undefined,
  actor: ActorHealth | undefined,
): AudioStatus {
  if (configured === "none") return { state: "none", reason: 'audio = "none"' };
  if (actor !== undefined && actor.state !== "running" && actor.last_error !== undefined) {
    return { state: "restarting", cause: actor.last_error };
  }
  if (reported === undefined) return { state: "connecting" };
  const s = reported.state;
  const source = reported.source;
  const since = new Date(s.since).toISOString();
  switch (s.state) {
    case "none":
      return { state: "none", reason: s.reason, since };
    case "up":
      return { state: "live", source, codec: "opus", route: reported.route, since };
    case "connecting":
      return { state: "connecting", source, route: reported.route, since };
    case "offline":
      return {
        state: "offline",
        source,
        route: reported.route,
        cause: s.cause,
        retry_at: new Date(s.retryAt).toISOString(),
        since,
        tries: s.attempt,
      };
  }
}
