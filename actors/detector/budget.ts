/**
 * A token bucket: at most `burst` at once, refilled at `perSecond`. Bounds
 * how many events and snapshot encodes a detector produces when a scene
 * flickers. Pure: time is passed in.
 *
 * @module
 */

export interface Budget {
  readonly perSecond: number;
  readonly burst: number;
  tokens: number;
  lastMs: number;
}

/** A full bucket. */
export function createBudget(options: { perSecond: number; burst: number }): Budget {
  const { perSecond, burst } = options;
  if (!(perSecond > 0 && Number.isFinite(perSecond))) {
    throw new RangeError(`perSecond must be a finite number > 0, got ${perSecond}`);
  }
  if (!(Number.isInteger(burst) && burst >= 1)) {
    throw new RangeError(`burst must be an integer ≥ 1, got ${burst}`);
  }
  return { perSecond, burst, tokens: burst, lastMs: -Infinity };
}

/** Takes one token at `atMs` if there is one. */
export function spend(budget: Budget, atMs: number): boolean {
  const elapsed = atMs - budget.lastMs;
  if (elapsed > 0) {
    budget.tokens = Math.min(budget.burst, budget.tokens + (elapsed * budget.perSecond) / 1000);
  }
  budget.lastMs = Math.max(budget.lastMs, atMs);
  if (budget.tokens < 1) return false;
  budget.tokens -= 1;
  return true;
}
