import { checkNumber } from "./_check.ts";

/** When object detection may run. */
export interface RateLimitOptions {
  /** Most detections started per second, (0..60]. Default 2. */
  maxFps?: number;
  /**
   * Largest share of wall time (0..1] that detection may keep a thread busy.
   * After a run of d ms the next waits at least d × (1 − maxBusy) / maxBusy,
   * so a slow model on a slow board slows itself down instead of starving
   * the encoder. Default 0.5.
   */
  maxBusy?: number;
  /** Detect only while motion is active. Default false. */
  onlyOnMotion?: boolean;
}

/** A rate limiter's state. Pure: it never reads a clock; every call passes the time. */
export interface RateLimit {
  readonly minIntervalMs: number;
  readonly maxBusy: number;
  readonly onlyOnMotion: boolean;
  running: boolean;
  startedMs: number;
  /** Earliest time the next detection may start. */
  nextMs: number;
}

/** A limiter that allows a detection at once. */
export function createRateLimit(options: RateLimitOptions = {}): RateLimit {
  const maxFps = checkNumber("maxFps", options.maxFps ?? 2, Number.MIN_VALUE, 60);
  return {
    minIntervalMs: 1000 / maxFps,
    maxBusy: checkNumber("maxBusy", options.maxBusy ?? 0.5, Number.MIN_VALUE, 1),
    onlyOnMotion: options.onlyOnMotion ?? false,
    running: false,
    startedMs: 0,
    nextMs: -Infinity,
  };
}

/**
 * Whether a detection may start at `nowMs`; when it may, the limiter counts
 * it as running until {@linkcode finishDetection}. Never true while one runs,
 * before the earliest next time, or (with `onlyOnMotion`) without motion.
 */
export function tryStartDetection(limit: RateLimit, nowMs: number, motionActive = false): boolean {
  if (limit.running || nowMs < limit.nextMs || (limit.onlyOnMotion && !motionActive)) return false;
  limit.running = true;
  limit.startedMs = nowMs;
  return true;
}

/** Marks the running detection finished at `nowMs` and sets the earliest next start. */
export function finishDetection(limit: RateLimit, nowMs: number): void {
  if (!limit.running) throw new Error("finishDetection() was called with no detection running");
  limit.running = false;
  const took = Math.max(0, nowMs - limit.startedMs);
  limit.nextMs = Math.max(
    limit.startedMs + limit.minIntervalMs,
    nowMs + (took * (1 - limit.maxBusy)) / limit.maxBusy,
  );
}
