/**
 * When a viewer session must end although nobody closed it. The browser's
 * RTCP is the proof of delivery: a receiver report's highest sequence
 * number moves (or a REMB or NACK names our stream) only for packets it
 * decrypted. A session whose keys went wrong (the werift DTLS race,
 * dtls_guard.ts) connects, sends, hears the browser's SRTCP but can decode
 * none of it, and is never acknowledged: it is ended after
 * {@linkcode DELIVERY_TIMEOUT_MS} instead of showing a black picture
 * forever, and counted as `no_delivery`. A browser that says nothing at all
 * is gone (`no_rtcp`). Pure: the caller owns the clock.
 *
 * @module
 */

/** Why a session ended. */
export type EndReason =
  | "closed" // DELETE on its Location
  | "remote_closed" // the browser closed it (DTLS close_notify, ICE/DTLS failure)
  | "connect_timeout" // ICE and DTLS did not complete in time
  | "no_delivery" // connected, sending, the browser talks, but never acknowledges
  | "stalled" // acknowledged once, then not for STALL_TIMEOUT_MS while sending
  | "no_rtcp" // nothing heard from the browser (gone)
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
/** Sent but never acknowledged for this long: the viewer is not getting frames. */
export const DELIVERY_TIMEOUT_MS = 3_000;
/**
 * A session that was acknowledged gets longer: the race is ruled out, and a
 * browser (or this machine) starved of CPU pauses its RTCP for seconds
 * (measured here: 6 s with 20 viewers and a load average of 12 on 2 cores).
 * Ending such a session costs its viewer a reconnect and everyone a keyframe.
 */
export const STALL_TIMEOUT_MS = 10_000;
/** Browsers send RTCP about every second; ten seconds of silence is a gone viewer. */
export const RTCP_TIMEOUT_MS = 10_000;

/** The times a session's health depends on (ms, caller's clock); null = not yet. */
export interface SessionClock {
  createdMs: number;
  connectedMs: number | null;
  /** Last SRTP/SRTCP packet from the browser, decodable or not. */
  lastHeardMs: number | null;
  /** Last RTCP that showed the browser decrypted packets it had not shown before. */
  lastProgressMs: number | null;
  /** When the oldest packet sent since that acknowledgement went out. */
  unackedSinceMs: number | null;
}

/** A new session's clock. */
export function newSessionClock(nowMs: number): SessionClock {
  return {
    createdMs: nowMs,
    connectedMs: null,
    lastHeardMs: null,
    lastProgressMs: null,
    unackedSinceMs: null,
  };
}

/** Records a packet sent. */
export function onSent(clock: SessionClock, nowMs: number): void {
  if (clock.unackedSinceMs === null) clock.unackedSinceMs = nowMs;
}

/** Records that the browser sent something (SRTP/SRTCP), even if it could not be decrypted. */
export function onHeard(clock: SessionClock, nowMs: number): void {
  clock.lastHeardMs = nowMs;
}

/**
 * Records a decoded RTCP packet; `progress` when it shows the browser
 * decrypted our packets since the last one (a receiver report's highest
 * sequence moved, a REMB or NACK naming our stream).
 */
export function onRtcp(clock: SessionClock, nowMs: number, progress: boolean): void {
  clock.lastHeardMs = nowMs;
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
  const heard = clock.lastHeardMs !== null && clock.lastHeardMs >= clock.connectedMs;
  if (nowMs - (heard ? clock.lastHeardMs! : clock.connectedMs) > RTCP_TIMEOUT_MS) return "no_rtcp";
  if (clock.unackedSinceMs === null) return null;
  const waited = nowMs - clock.unackedSinceMs;
  if (clock.lastProgressMs === null) {
    if (waited <= DELIVERY_TIMEOUT_MS) return null;
    return heard ? "no_delivery" : "no_rtcp";
  }
  return waited > STALL_TIMEOUT_MS ? "stalled" : null;
}
