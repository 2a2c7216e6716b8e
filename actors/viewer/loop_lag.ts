/**
 * How late this Worker's periodic tick runs: everything that delays it
 * (SRTP for every viewer, handshakes, and other processes taking the CPU).
 * The viewer actor judges no session right after it was starved (their
 * RTCP is still queued behind the tick), and reports the smoothed lateness.
 * It is not a capacity measure: other processes make it late without a
 * viewer more or less changing anything (admission.ts uses the Worker's own
 * CPU). Pure: the caller owns the clock.
 *
 * @module
 */

/** A tick this late means the Worker did not run for a while. */
export const STARVED_MS = 500;
/** Weight of the newest tick in the smoothed lateness (~10 ticks). */
const ALPHA = 0.1;

export class LoopLag {
  readonly #intervalMs: number;
  #last: number;
  #starvedUntil = -Infinity;
  /** Smoothed lateness of the tick, ms. */
  lagMs = 0;

  constructor(intervalMs: number, nowMs: number) {
    this.#intervalMs = intervalMs;
    this.#last = nowMs;
  }

  /** Call from the periodic tick; returns how late it ran, ms. */
  tick(nowMs: number): number {
    const late = Math.max(0, nowMs - this.#last - this.#intervalMs);
    this.#last = nowMs;
    this.lagMs += ALPHA * (late - this.lagMs);
    if (late > STARVED_MS) this.#starvedUntil = nowMs + STARVED_MS;
    return late;
  }

  /** True shortly after a tick came more than STARVED_MS late. */
  starved(nowMs: number): boolean {
    return nowMs < this.#starvedUntil;
  }
}
