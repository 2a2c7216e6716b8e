/**
 * Whether one more viewer may start now: the camera's `max_viewers`
 * (connecting sessions and answers being made count, so parallel offers
 * cannot overshoot), the handshakes already running, and the Worker's load.
 * Pure.
 *
 * @module
 */
import type { OfferReply } from "./protocol.ts";

/**
 * Sessions in ICE + DTLS at once. werift's handshake is JS crypto (6–26 ms of
 * CPU per session here): a burst of them starves every connected viewer in
 * the Worker. More wait a second.
 */
export const MAX_CONNECTING = 8;

export interface Load {
  /** Sessions in the actor, connected or connecting. */
  sessions: number;
  connecting: number;
  /** Offers being answered right now. */
  answering: number;
  maxViewers: number;
  /** The Worker's smoothed tick lateness (loop_lag.ts), and whether that is overloaded. */
  lagMs: number;
  overloaded: boolean;
}

/** null when the viewer may start, else the refusal to send back. */
export function admit(load: Load): Extract<OfferReply, { ok: false }> | null {
  const total = load.sessions + load.answering;
  if (total >= load.maxViewers) {
    return {
      ok: false,
      problem: "too_many_viewers",
      message: `This camera has ${total} of at most ${load.maxViewers} viewers`,
    };
  }
  if (load.overloaded) {
    return {
      ok: false,
      problem: "busy",
      message: `Live view of this camera is at capacity (its Worker runs ${
        Math.round(load.lagMs)
      } ms late); retry later`,
    };
  }
  const connecting = load.connecting + load.answering;
  if (connecting >= MAX_CONNECTING) {
    return {
      ok: false,
      problem: "busy",
      message: `${connecting} viewers are connecting to this camera; retry in a second`,
    };
  }
  return null;
}
