/**
 * Login rate limiting, per client address and per account: at most
 * {@linkcode MAX_FAILURES} failed sign-ins from one address and
 * {@linkcode MAX_ACCOUNT_FAILURES} against one account in
 * {@linkcode WINDOW_MS}; past either, every attempt from that address, or
 * at that account, is refused (429 with Retry-After) until the oldest
 * failure leaves the window. Pure: the clock is passed in.
 *
 * Each attempt is counted as a failure when it is admitted
 * ({@linkcode LoginThrottle.begin}), before the password is checked and
 * with no await in between, so parallel attempts each see all the ones
 * before them: 50 at once get exactly {@linkcode MAX_FAILURES} checks. A
 * right password takes its own count back and forgives the earlier
 * failures of the same account from the same address (a user's own
 * typos), nothing else: signing in as another user does not reset the
 * guesses at this one.
 *
 * @module
 */

/** Failed sign-ins an address may make in one window. */
export const MAX_FAILURES = 5;
/**
 * Failed sign-ins against one account in one window, from all addresses.
 * Reason: guesses spread over many addresses still meet a limit; twice the
 * address limit, so two people behind one router mistyping do not lock
 * the account. An attacker can lock an account's password sign-in this
 * way; client certificates still get in.
 */
export const MAX_ACCOUNT_FAILURES = 10;
/** The window, in ms. */
export const WINDOW_MS = 5 * 60 * 1000;
/**
 * Addresses, and accounts, tracked at once. Reason: bounded memory under a
 * spray from many addresses or of many names; past it the one with the
 * oldest failure is forgotten.
 */
export const MAX_TRACKED = 10_000;
/** Longer names are no user's (user names are 1-64 characters): one key serves them all. */
const MAX_ACCOUNT_KEY = 64;

/** One admitted sign-in attempt, counted as a failure until it succeeds. */
export interface Attempt {
  readonly address: string;
  readonly account: string;
  readonly atMs: number;
}

/** Whether an attempt may go on to the password check. */
export type Admission =
  | { ok: true; attempt: Attempt }
  | { ok: false; retryAfterS: number; limited: "address" | "account" };

function accountKey(name: string): string {
  return name.length > MAX_ACCOUNT_KEY ? "(not a user name)" : name;
}

/** Failures per key in a window, the oldest key forgotten first. */
class Window {
  readonly #failures = new Map<string, Attempt[]>();

  recent(key: string, nowMs: number): Attempt[] {
    const all = this.#failures.get(key);
    if (all === undefined) return [];
    const kept = all.filter((a) => nowMs - a.atMs < WINDOW_MS);
    if (kept.length === 0) this.#failures.delete(key);
    else if (kept.length !== all.length) this.#failures.set(key, kept);
    return kept;
  }

  /** Seconds until `key` is under `max` failures again, or 0 if it is now. */
  wait(key: string, max: number, nowMs: number): number {
    const times = this.recent(key, nowMs);
    if (times.length < max) return 0;
    const oldest = times[times.length - max].atMs;
    return Math.max(1, Math.ceil((oldest + WINDOW_MS - nowMs) / 1000));
  }

  add(key: string, attempt: Attempt, max: number): void {
    const times = this.recent(key, attempt.atMs);
    times.push(attempt);
    // Only the newest `max` matter for the limit.
    if (times.length > max) times.splice(0, times.length - max);
    this.#failures.delete(key);
    this.#failures.set(key, times);
    if (this.#failures.size > MAX_TRACKED) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  forgive(key: string, keep: (a: Attempt) => boolean): void {
    const times = this.#failures.get(key);
    if (times === undefined) return;
    const kept = times.filter(keep);
    if (kept.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, kept);
  }
}

export class LoginThrottle {
  readonly #byAddress = new Window();
  readonly #byAccount = new Window();

  /**
   * Admits a sign-in attempt from `address` at the account `name`, counting
   * it as a failure at once, or says how long to wait. Synchronous: call it
   * right before the password check.
   */
  begin(address: string, name: string, nowMs: number): Admission {
    const account = accountKey(name);
    const byAddress = this.#byAddress.wait(address, MAX_FAILURES, nowMs);
    const byAccount = this.#byAccount.wait(account, MAX_ACCOUNT_FAILURES, nowMs);
    if (byAddress > 0 || byAccount > 0) {
      return {
        ok: false,
        retryAfterS: Math.max(byAddress, byAccount),
        limited: byAddress >= byAccount ? "address" : "account",
      };
    }
    const attempt: Attempt = { address, account, atMs: nowMs };
    this.#byAddress.add(address, attempt, MAX_FAILURES);
    this.#byAccount.add(account, attempt, MAX_ACCOUNT_FAILURES);
    return { ok: true, attempt };
  }

  /**
   * The password of `attempt` was right: it and the earlier failures of the
   * same account from the same address are forgiven; nothing else is.
   */
  succeed(attempt: Attempt): void {
    const other = (a: Attempt) => a.address !== attempt.address || a.account !== attempt.account;
    this.#byAddress.forgive(attempt.address, other);
    this.#byAccount.forgive(attempt.account, other);
  }
}
