/**
 * When the forward actor tries again after a refused or lost connection:
 * 1 s, doubling, at most 30 s. Pure.
 *
 * @module
 */

const FIRST_RETRY_MS = 1000;
/** A receiver that comes back is found within this long. */
export const MAX_RETRY_MS = 30_000;

/** Delay before retry number `attempt` (1, 2, …). */
export function retryDelayMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(Math.max(attempt, 1) - 1, 16));
}
