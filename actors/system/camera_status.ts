/**
 * One line of truth per camera for the API, the console tile, health and
 * metrics: is it live, and if not, why not and when is the next try. It
 * joins two things: the camera subtree's actors (a crash being restarted)
 * and the source's link state (a camera that is offline out there).
 *
 * @module
 */
import type { LinkState } from "../supervisor/link.ts";
import type { ActorHealth } from "./health.ts";

export interface CameraStatus {
  /**
   * live: frames flow; connecting: trying the source; offline: the source
   * cannot be reached (`cause`, next try at `retry_at`); restarting: an actor
   * of the camera crashed and is being restarted; failed: its supervisor gave
   * up on it for now and tries again later.
   */
  state: "live" | "connecting" | "offline" | "restarting" | "failed";
  /** Why it is not live, when it is not. */
  cause?: string;
  /** ISO time of the next try of an offline source. */
  retry_at?: string;
  /** ISO time since when it is in this state (source states only). */
  since?: string;
  /** Tries that failed in this outage (offline only). */
  tries?: number;
}

/** The status of camera `id` from its actors (ids "id", "id/…") and its source's state. */
export function cameraStatus(
  id: string,
  actors: readonly ActorHealth[],
  source: LinkState | undefined,
  nowMs: () => number = Date.now,
): CameraStatus {
  const own = actors.filter((a) => a.id === id || a.id.startsWith(`${id}/`));
  // Starting again after a crash is still restarting; a first start is connecting.
  const down = own.find((a) => a.state === "failed") ??
    own.find((a) => a.state !== "running" && (a.state !== "starting" || a.last_error));
  if (down !== undefined) {
    const status: CameraStatus = {
      state: down.state === "failed" ? "failed" : "restarting",
      cause: down.last_error ?? `${down.id} is ${down.state}`,
    };
    if (down.retry_in_s !== undefined) {
      status.retry_at = new Date(nowMs() + down.retry_in_s * 1000).toISOString();
    }
    return status;
  }
  if (own.some((a) => a.state === "starting")) return { state: "connecting" };
  if (source === undefined) return { state: "connecting" };
  const since = new Date(source.since).toISOString();
  switch (source.state) {
    case "up":
      return { state: "live", since };
    case "connecting":
      return { state: "connecting", since };
    case "offline":
      return {
        state: "offline",
        cause: source.cause,
        retry_at: new Date(source.retryAt).toISOString(),
        since,
        tries: source.attempt,
      };
  }
}

/** A sentence for health's problems, or null when the camera is live. */
export function cameraProblem(id: string, status: CameraStatus, nowMs: number): string | null {
  switch (status.state) {
    case "live":
    case "connecting":
      return null;
    case "offline": {
      const s = Math.max(0, Math.round((Date.parse(status.retry_at!) - nowMs) / 1000));
      return `camera ${id} is offline: ${status.cause} (next try in ${s} s)`;
    }
    case "restarting":
    case "failed": {
      const retry = status.retry_at === undefined
        ? ""
        : ` (next try in ${
          Math.max(0, Math.round((Date.parse(status.retry_at) - nowMs) / 1000))
        } s)`;
      const verb = status.state === "failed" ? "failed" : "is restarting";
      return `camera ${id} ${verb}: ${status.cause}${retry}`;
    }
  }
}
