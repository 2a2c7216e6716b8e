/**
 * When a viewer session must end although nobody closed it. The browser's
 * RTCP receiver reports are the proof of delivery: the highest sequence
 * number they acknowledge moves when our packets are decrypted and counted.
 * A session whose keys went wrong (the werift DTLS race, dtls_guard.ts)
 * connects, sends, and is never acknowledged: it is ended after
 * {@linkcode DELIVERY_TIMEOUT_MS} instead of showing a black picture forever.
 * Pure: the caller owns the clock.
 *
 * @module
 */

/** Why a session ended. */
export type EndReason =
  | "closed" // DELETE on its Location
  | "remote_closed" // the browser closed it (DTLS close_notify, ICE/DTLS failure)
  | "connect_timeout" // ICE and DTLS did not complete in time
  | "no_delivery" // connected, sending, never acknowledged
  | "stalled" // acknowledged once, then not for DELIVERY_TIMEOUT_MS while sending
  | "no_rtcp" // nothing heard from the browser for RTCP_TIMEOUT_MS
  | "shutdown"; // the actor stops

export const END_REASONS: readonly EndReason[] = [
  "closed",
  "remote_closed",
  "connect_timeout",
  "no_delivery",
  "stalled",
  "no_rtcp",
  "shutdown",
];

/** ICE + DTLS take about half a second on a LAN; ten is generous for a phone on Wi-Fi. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Sent but not acknowledged for this long: the viewer is not getting frames. */
export const DELIVERY_TIMEOUT_MS = 3_000;
/** Browsers send RTCP about every second; ten seconds of silence is a gone viewer. */
export const RTCP_TIMEOUT_MS = 10_000;

/** The times a session's health depends on (ms, caller's clock); null = not yet. */
export interface SessionClock {
  createdMs: number;
  connectedMs: number | null;
  /** Last RTCP packet of any kind from the browser. */
  lastRtcpMs: number | null;
  /** Last receiver report that acknowledged more packets than the one before. */
  lastProgressMs: number | null;
  /** When the oldest packet sent since that acknowledgement went out. */
  unackedSinceMs: number | null;
}

/** A new session's clock. */
export function newSessionClock(nowMs: number): SessionClock {
  return {
    createdMs: nowMs,
    connectedMs: null,
    lastRtcpMs: null,
    lastProgressMs: null,
    unackedSinceMs: null,
  };
}

/** Records a packet sent. */
export function onSent(clock: SessionClock, nowMs: number): void {
  if (clock.unackedSinceMs === null) clock.unackedSinceMs = nowMs;
}

/** Records an RTCP packet; `progress` when it acknowledged packets not acknowledged before. */
export function onRtcp(clock: SessionClock, nowMs: number, progress: boolean): void {
  clock.lastRtcpMs = nowMs;
  if (progress) {
    clock.lastProgressMs = nowMs;
    clock.unackedSinceMs = null;
  }
}

/** The reason the session must end now, or null while it is healthy. */
export function sessionVerdict(clock: SessionClock, nowMs: number): EndReason | null {
  if (clock.connectedMs === null) {
    return nowMs - clock.createdMs > CONNECT_TIMEOUT_MS ? "connect_timeout" : null;
  }
  if (clock.unackedSinceMs !== null && nowMs - clock.unackedSinceMs > DELIVERY_TIMEOUT_MS) {
    return clock.lastProgressMs === null ? "no_delivery" : "stalled";
  }
  const heard = clock.lastRtcpMs ?? clock.connectedMs;
  return nowMs - heard > RTCP_TIMEOUT_MS ? "no_rtcp" : null;
}
