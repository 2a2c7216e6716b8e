/**
 * Supervisor flags and child specs as data, validated when a supervisor is
 * built (OTP): a bad tree is refused before anything starts.
 *
 * @module
 */
import { type ChildSpec, RESTART_POLICIES } from "./child.ts";

/**
 * Which children restart when one must (OTP):
 * - `one_for_one`: only that child;
 * - `rest_for_one`: that child and the ones started after it;
 * - `one_for_all`: every child.
 */
export type Strategy = "one_for_one" | "rest_for_one" | "one_for_all";

export const STRATEGIES: readonly Strategy[] = ["one_for_one", "rest_for_one", "one_for_all"];

/**
 * Delay before restart number n within the window: min(maxMs, initialMs ×
 * 2^(n−1)), give or take `jitter` (a fraction, default 0) of it at random,
 * so children that fell together do not retry in lockstep.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  jitter?: number;
}

/**
 * What happens past the intensity:
 * - `escalate` (OTP's rule): the supervisor stops every child and ends as
 *   crashed; its own supervisor decides.
 * - `isolate`: each child has its own restart window; a child past it is
 *   parked as failed (an `isolated` event with the cause) and started again
 *   after `backoff.maxMs`, forever, while its siblings run on. For a root
 *   whose children are independent (cameras): one broken camera must never
 *   stop the others, and restarting the whole process would not cure it.
 */
export type OnIntensity = "escalate" | "isolate";

export interface SupervisorFlags {
  strategy: Strategy;
  /** More than `intensity` restarts within `periodMs` and the supervisor gives up (escalates). */
  intensity: number;
  periodMs: number;
  backoff: Backoff;
  /** Default "escalate". */
  onIntensity?: OnIntensity;
}

/** Ids of children and supervisors: lowercase words, as in camera ids and actor names. */
const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** A stop that takes longer than this is a bug, not a shutdown. */
export const MAX_SHUTDOWN_MS = 60_000;

/** Throws a TypeError or RangeError naming the first bad field. */
export function validateFlags(flags: SupervisorFlags): void {
  if (!STRATEGIES.includes(flags.strategy)) {
    throw new TypeError(`Unknown supervisor strategy "${flags.strategy}"`);
  }
  if (!Number.isInteger(flags.intensity) || flags.intensity < 0) {
    throw new RangeError(`Supervisor intensity must be an integer ≥ 0, got ${flags.intensity}`);
  }
  if (!Number.isFinite(flags.periodMs) || flags.periodMs <= 0) {
    throw new RangeError(`Supervisor periodMs must be > 0, got ${flags.periodMs}`);
  }
  const { initialMs, maxMs, jitter = 0 } = flags.backoff;
  if (!(initialMs >= 0) || !(maxMs >= initialMs)) {
    throw new RangeError(`Backoff needs 0 ≤ initialMs ≤ maxMs, got ${initialMs} and ${maxMs}`);
  }
  if (!(jitter >= 0 && jitter < 1)) {
    throw new RangeError(`Backoff jitter must be 0 ≤ jitter < 1, got ${jitter}`);
  }
  const on = flags.onIntensity ?? "escalate";
  if (on !== "escalate" && on !== "isolate") {
    throw new TypeError(`Unknown onIntensity "${on}"`);
  }
}

/** Throws a TypeError or RangeError naming the first bad spec. */
export function validateSpecs(specs: readonly ChildSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!ID.test(spec.id)) throw new TypeError(`Child id "${spec.id}" must match ${ID}`);
    if (seen.has(spec.id)) throw new TypeError(`Child id "${spec.id}" appears twice`);
    seen.add(spec.id);
    if (typeof spec.start !== "function") {
      throw new TypeError(`Child "${spec.id}" has no start function`);
    }
    if (!RESTART_POLICIES.includes(spec.restart)) {
      throw new TypeError(`Child "${spec.id}" has unknown restart policy "${spec.restart}"`);
    }
    if (
      !Number.isFinite(spec.shutdownMs) || spec.shutdownMs < 0 || spec.shutdownMs > MAX_SHUTDOWN_MS
    ) {
      throw new RangeError(
        `Child "${spec.id}" shutdownMs must be 0 to ${MAX_SHUTDOWN_MS}, got ${spec.shutdownMs}`,
      );
    }
  }
}

/** The delay before the `n`th restart (1-based) within the window; Infinity gives the cap. */
export function backoffDelay(
  backoff: Backoff,
  n: number,
  random: () => number = Math.random,
): number {
  const base = n <= 1
    ? backoff.initialMs
    : Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(n - 1, 30));
  const spread = base * (backoff.jitter ?? 0);
  return spread === 0 ? base : Math.round(base - spread + 2 * spread * random());
}
