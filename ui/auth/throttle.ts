/**
 * Login rate limiting per client address: at most {@linkcode MAX_FAILURES}
 * failed logins in {@linkcode WINDOW_MS}; past that, every login attempt
 * from the address is refused (429 with Retry-After) until the oldest
 * failure leaves the window. Pure: the clock is passed in.
 *
 * @module
 */

/** Failed logins an address may make in one window. */
export const MAX_FAILURES = 5;
/** The window, in ms. */
export const WINDOW_MS = 5 * 60 * 1000;
/**
 * Addresses tracked at once. Reason: bounded memory under a spray from many
 * addresses; past it the address with the oldest failure is forgotten.
 */
export const MAX_TRACKED = 10_000;

export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  /** Seconds until `address` may try again, or 0 if it may now. */
  retryAfterS(address: string, nowMs: number): number {
    const times = this.#recent(address, nowMs);
    if (times.length < MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((times[0] + WINDOW_MS - nowMs) / 1000));
  }

  /** Counts a failed login. */
  fail(address: string, nowMs: number): void {
    const times = this.#recent(address, nowMs);
    times.push(nowMs);
    if (times.length > MAX_FAILURES) times.shift();
    this.#failures.delete(address);
    this.#failures.set(address, times);
    if (this.#failures.size > MAX_TRACKED) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  /** A successful login clears the address's failures. */
  succeed(address: string): void {
    this.#failures.delete(address);
  }

  #recent(address: string, nowMs: number): number[] {
    const times = (this.#failures.get(address) ?? []).filter((t) => nowMs - t < WINDOW_MS);
    if (times.length === 0) this.#failures.delete(address);
    return times;
  }
}
