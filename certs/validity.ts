/** Default life of a CA certificate, in days. */
export const DEFAULT_CA_DAYS = 3650;
/** Default life of a server or client certificate, in days. */
export const DEFAULT_LEAF_DAYS = 365;
/**
 * Upper bound of any validity: ten years. A longer life only makes a lost key
 * a longer problem, and keeps dates well inside the UTCTime range (< 2050).
 */
export const MAX_VALIDITY_DAYS = 3650;
/**
 * notBefore is backdated by this much so that a peer whose clock is a little
 * behind (a Pi without RTC before NTP catches up) accepts a fresh certificate.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Returns `days` if it is an integer in 1..{@linkcode MAX_VALIDITY_DAYS}; throws a RangeError otherwise. */
export function validateDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) {
    throw new RangeError(
      `Invalid validity "${days}" days: expected a whole number from 1 to ${MAX_VALIDITY_DAYS}`,
    );
  }
  return days;
}

/** The validity window of a new certificate: from `notBefore` (default now minus the skew) for `days`. */
export function validityWindow(
  days: number,
  options: { now?: Date; notBefore?: Date } = {},
): { notBefore: Date; notAfter: Date } {
  const now = options.now ?? new Date();
  const notBefore = options.notBefore ?? new Date(now.getTime() - CLOCK_SKEW_MS);
  return { notBefore, notAfter: new Date(notBefore.getTime() + validateDays(days) * DAY_MS) };
}
