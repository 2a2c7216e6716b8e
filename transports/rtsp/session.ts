/**
 * An RTSP session's state machine (RFC 2326 A.1, server side) for one
 * stream: SETUP makes a session, PLAY and PAUSE move it, TEARDOWN ends it,
 * and any request on it (GET_PARAMETER is the usual keep-alive), or RTCP
 * from its client, keeps it from timing out. Pure: no clock of its own.
 *
 * ```
 *            SETUP            PLAY
 *   (none) ────────▶ ready ─────────▶ playing
 *                    ▲  │  ◀───────── │
 *              SETUP └──┘    PAUSE    │
 *                    └── TEARDOWN ────┴──▶ ended
 * ```
 *
 * @module
 */

/** RFC 2326 12.37's default, which clients know to keep alive within. */
export const DEFAULT_SESSION_TIMEOUT_S = 60;

export type SessionState = "ready" | "playing";

/** The methods that act on a session. */
export type SessionMethod =
  | "SETUP"
  | "PLAY"
  | "PAUSE"
  | "TEARDOWN"
  | "GET_PARAMETER"
  | "SET_PARAMETER"
  | "OPTIONS"
  | "DESCRIBE";

export type Step =
  | { ok: true; next: SessionState | "ended" }
  /** 455 Method Not Valid in This State. */
  | { ok: false; reason: string };

/** What `method` does to a session in `state`. */
export function step(state: SessionState, method: SessionMethod): Step {
  switch (method) {
    case "SETUP":
      // Changing the transport of a session that is sending is not served.
      return state === "ready"
        ? { ok: true, next: "ready" }
        : { ok: false, reason: "SETUP on a playing session: PAUSE it first" };
    case "PLAY":
      return { ok: true, next: "playing" };
    case "PAUSE":
      return { ok: true, next: "ready" };
    case "TEARDOWN":
      return { ok: true, next: "ended" };
    case "GET_PARAMETER":
    case "SET_PARAMETER":
    case "OPTIONS":
    case "DESCRIBE":
      return { ok: true, next: state };
  }
}

/** The session id a Session header names (`id[;timeout=n]`), or null. */
export function sessionIdOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const id = header.split(";")[0].trim();
  // RFC 2326 3.4: 1*(ALPHA | DIGIT | safe), at least 8 characters when made by a server.
  return /^[A-Za-z0-9$\-_.+]{1,64}$/.test(id) ? id : null;
}

/** The Session header value the server sends. */
export function formatSession(id: string, timeoutS: number): string {
  return `${id};timeout=${timeoutS}`;
}
