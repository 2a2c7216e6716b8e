/**
 * Keyframe requests towards the encoder, rate-limited. New viewers and
 * browsers' PLI/FIR all want a keyframe; a keyframe costs several P-frames of
 * bits, and one serves every viewer, so requests that come too soon after
 * the last keyframe asked for are folded into a single later request.
 *
 * Two kinds, two intervals: a new viewer waits for its first picture, so
 * its request waits at most {@linkcode NEW_VIEWER_INTERVAL_MS} (viewers come
 * no faster than admission lets them connect); a repair (a browser's
 * PLI/FIR, a viewer that fell behind) waits up to
 * {@linkcode KEYFRAME_MIN_INTERVAL_MS}, so lossy browsers cannot make the
 * encoder send keyframes back to back. Pure: the caller owns the clock.
 *
 * @module
 */

/** A keyframe is in flight for about one frame plus the encoder's latency; a few frames is enough. */
export const KEYFRAME_MIN_INTERVAL_MS = 250;
/**
 * For a new viewer: the request → keyframe in the pool took 25–70 ms here,
 * so 100 ms does not ask again for one on its way. With 250 ms, viewers
 * arriving one after another waited for the limiter: POST → first decoded
 * frame p50 230 ms, 71 ms with 100 ms (webrtc bench, 200 sessions).
 */
export const NEW_VIEWER_INTERVAL_MS = 100;

/** Why a keyframe is wanted. */
export type KeyframeReason = "new_viewer" | "repair";

export class KeyframeLimiter {
  readonly #intervals: Record<KeyframeReason, number>;
  #lastMs = -Infinity;
  /** When the folded request is due, or Infinity when none is. */
  #dueMs = Infinity;
  /** Requests asked for, and how many reached the encoder. */
  asked = 0;
  sent = 0;

  constructor(options: { minIntervalMs?: number; newViewerIntervalMs?: number } = {}) {
    this.#intervals = {
      repair: options.minIntervalMs ?? KEYFRAME_MIN_INTERVAL_MS,
      new_viewer: options.newViewerIntervalMs ?? NEW_VIEWER_INTERVAL_MS,
    };
  }

  /** Someone wants a keyframe. True when it should be requested now. */
  request(nowMs: number, reason: KeyframeReason = "repair"): boolean {
    this.asked++;
    const due = this.#lastMs + this.#intervals[reason];
    if (nowMs >= due) return this.#fire(nowMs);
    this.#dueMs = Math.min(this.#dueMs, due);
    return false;
  }

  /** Call periodically: true when a folded request is due now. */
  poll(nowMs: number): boolean {
    return nowMs >= this.#dueMs && this.#fire(nowMs);
  }

  #fire(nowMs: number): true {
    this.#lastMs = nowMs;
    this.#dueMs = Infinity;
    this.sent++;
    return true;
  }
}
