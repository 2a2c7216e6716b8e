/**
 * Whether a webhook delivery is retried, and how a receiver's Retry-After
 * stretches the wait. The waits themselves come from the one policy for
 * links to the world outside (`LINK_RETRY`, actors/supervisor/link.ts): a
 * webhook is such a link. Pure: the sender (webhook.ts) does the I/O and
 * asks these functions what to do next.
 *
 * @module
 */
import type { DetectionEventType, WebhookConfig } from "../defs.ts";
import type { RetryPolicy } from "../supervisor/link.ts";

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

/**
 * Most attempts after the first, per event. Reason: a receiver that is down
 * is retried forever as a link, but one event is not: with the link's waits
 * capped at 60 s, 10 retries already span minutes, and later events matter more.
 */
export const MAX_WEBHOOK_RETRIES = 10;

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

/**
 * The wait before the next attempt: the link's `delayMs`, or longer when the
 * receiver asked for it with Retry-After (seconds), never past the policy's
 * cap. A receiver cannot make eyrie wait longer than it waits for any link.
 */
export function retryWaitMs(delayMs: number, outcome: AttemptOutcome, policy: RetryPolicy): number {
  const asked = outcome.kind === "status" ? outcome.retryAfterS : undefined;
  if (asked === undefined || !(asked >= 0)) return delayMs;
  return Math.max(delayMs, Math.min(policy.maxMs, asked * 1000));
}

/** What one failed attempt says, for the log and the stats: "HTTP 503", "timed out", the network error. */
export function describeOutcome(o: AttemptOutcome): string {
  switch (o.kind) {
    case "status":
      return `HTTP ${o.status}`;
    case "timeout":
      return "timed out";
    case "network":
      return o.message;
  }
}

/** Longest network cause kept. Reason: it reaches the log and the API; Deno's chains run long. */
const MAX_CAUSE_LENGTH = 200;

/**
 * Why a request to `url` failed on the network, in words a user can act on.
 * Deno's fetch says only "fetch failed" and puts the reason in `cause`
 * ("…tcp connect error: Connection refused (os error 111)").
 */
export function networkCause(error: unknown, url: string): string {
  const chain: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    chain.push(e.message);
  }
  const text = chain.join(": ");
  let host = "the receiver", hostPort = "the receiver";
  try {
    const u = new URL(url);
    host = u.hostname;
    hostPort = u.host || u.hostname;
  } catch { /* a URL the config accepted always parses; keep the words general */ }
  if (/Connection refused/i.test(text)) return `connection refused by ${hostPort}`;
  if (/dns error|failed to lookup address|Name or service not known/i.test(text)) {
    return `host name ${host} does not resolve`;
  }
  if (/No route to host/i.test(text)) return `no route to host ${host}`;
  if (/Network is unreachable/i.test(text)) return `network unreachable: no route to ${host}`;
  const inner = chain.at(-1) ?? String(error);
  return inner.length > MAX_CAUSE_LENGTH ? `${inner.slice(0, MAX_CAUSE_LENGTH)}…` : inner;
}

/** A Retry-After header in seconds (the delta form only), or undefined. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
