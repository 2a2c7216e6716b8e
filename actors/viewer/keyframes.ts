/**
 * Keyframe requests towards the encoder, rate-limited. New viewers and
 * browsers' PLI/FIR all want a keyframe; a keyframe costs several P-frames of
 * bits, and one serves every viewer, so requests inside
 * {@linkcode KEYFRAME_MIN_INTERVAL_MS} of the last one are folded into a
 * single later request. Pure: the caller owns the clock.
 *
 * @module
 */

/** A keyframe is in flight for about one frame plus the encoder's latency; a few frames is enough. */
export const KEYFRAME_MIN_INTERVAL_MS = 250;

export class KeyframeLimiter {
  readonly #minIntervalMs: number;
  #lastMs = -Infinity;
  #pending = false;
  /** Requests asked for, and how many reached the encoder. */
  asked = 0;
  sent = 0;

  constructor(options: { minIntervalMs?: number } = {}) {
    this.#minIntervalMs = options.minIntervalMs ?? KEYFRAME_MIN_INTERVAL_MS;
  }

  /** Someone wants a keyframe. True when it should be requested now. */
  request(nowMs: number): boolean {
    this.asked++;
    if (nowMs - this.#lastMs >= this.#minIntervalMs) return this.#fire(nowMs);
    this.#pending = true;
    return false;
  }

  /** Call periodically: true when a folded request is due now. */
  poll(nowMs: number): boolean {
    return this.#pending && nowMs - this.#lastMs >= this.#minIntervalMs && this.#fire(nowMs);
  }

  #fire(nowMs: number): true {
    this.#lastMs = nowMs;
    this.#pending = false;
    this.sent++;
    return true;
  }
}
