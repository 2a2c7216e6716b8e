/**
 * When a webhook delivery is retried, and after how long. Pure: the sender
 * (webhook.ts) does the I/O and asks these functions what to do next.
 *
 * @module
 */
import type { DetectionEventType, WebhookConfig } from "../defs.ts";

/**
 * Most webhooks per camera. Reason: each one is a queue and a request per
 * event; fanning out further is a job for the receiver.
 */
export const MAX_WEBHOOKS = 8;

/**
 * Events waiting per webhook. Reason: a receiver that is down while motion
 * keeps firing must not grow memory without limit; past this the oldest
 * waiting event is dropped and counted.
 */
export const MAX_WEBHOOK_QUEUE = 100;

/** Most attempts after the first. Reason: with backoff capped at 30 s, 10 retries already span minutes. */
export const MAX_WEBHOOK_RETRIES = 10;

/** Wait before the first retry; each later one doubles it. */
export const RETRY_BASE_MS = 1000;

/** Longest wait between attempts, also the cap on a receiver's Retry-After. */
export const RETRY_MAX_MS = 30_000;

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: "status"; status: number; retryAfterS?: number }
  | { kind: "timeout" }
  | { kind: "network"; message: string };

/** Whether a webhook takes events of `type` (an empty `types` takes all). */
export function wantsEvent(hook: WebhookConfig, type: DetectionEventType): boolean {
  return hook.types.length === 0 || hook.types.includes(type);
}

/** Whether the attempt delivered the event (any 2xx). */
export function delivered(outcome: AttemptOutcome): boolean {
  return outcome.kind === "status" && outcome.status >= 200 && outcome.status < 300;
}

/**
 * Whether a failed attempt is worth repeating: a timeout, a network error, 408,
 * 429 or a 5xx. Any other status (a 4xx, a redirect that fetch did not follow)
 * would fail the same way again.
 */
export function retryable(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case "timeout":
    case "network":
      return true;
    case "status":
      return outcome.status === 408 || outcome.status === 429 || outcome.status >= 500;
  }
}

/** Backoff between attempts. */
export interface Backoff {
  /** Wait after the first failure; each later one doubles it. Default {@linkcode RETRY_BASE_MS}. */
  baseMs?: number;
  /** Longest wait, also the cap on a receiver's Retry-After. Default {@linkcode RETRY_MAX_MS}. */
  maxMs?: number;
}

/**
 * Milliseconds to wait after failed attempt number `attempt` (1 = the first
 * attempt): 1 s, 2 s, 4 s… up to 30 s by default. A receiver's Retry-After
 * (seconds) is honoured when it asks for longer, up to the cap.
 */
export function retryDelayMs(
  attempt: number,
  outcome: AttemptOutcome,
  backoff: Backoff = {},
): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`Attempt must be an integer ≥ 1, got ${attempt}`);
  }
  const { baseMs = RETRY_BASE_MS, maxMs = RETRY_MAX_MS } = backoff;
  const wait = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 20));
  const asked = outcome.kind === "status" ? outcome.retryAfterS : undefined;
  if (asked === undefined || !(asked >= 0)) return wait;
  return Math.min(maxMs, Math.max(wait, asked * 1000));
}

/** A Retry-After header in seconds (the delta form only), or undefined. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
