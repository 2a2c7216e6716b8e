/**
 * OTP's restart intensity: at most `intensity` restarts within any
 * `periodMs`. One window with an injected clock serves every strategy.
 *
 * @module
 */

export class RestartWindow {
  readonly #intensity: number;
  readonly #periodMs: number;
  readonly #now: () => number;
  #times: number[] = [];

  constructor(options: { intensity: number; periodMs: number; now: () => number }) {
    this.#intensity = options.intensity;
    this.#periodMs = options.periodMs;
    this.#now = options.now;
  }

  /**
   * Records a restart. Returns how many restarts the window now holds, or
   * -1 when this one is past the intensity (the supervisor must escalate).
   */
  record(): number {
    const now = this.#now();
    const from = now - this.#periodMs;
    this.#times = this.#times.filter((t) => t > from);
    this.#times.push(now);
    return this.#times.length > this.#intensity ? -1 : this.#times.length;
  }

  /** Restarts within the current window. */
  get count(): number {
    const from = this.#now() - this.#periodMs;
    return this.#times.filter((t) => t > from).length;
  }
}
