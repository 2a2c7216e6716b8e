/**
 * Delivers stored events to a camera's webhooks: one JSON POST per event,
 * in order per webhook, each attempt bounded by the webhook's timeout, and
 * at most {@linkcode MAX_WEBHOOK_QUEUE} events waiting per webhook.
 *
 * Each webhook is a link to the world outside (actors/supervisor/link.ts):
 * a receiver that times out, refuses the connection or answers 5xx/429 is
 * offline with that cause, and no attempt goes to it before its retry time
 * (`LINK_RETRY`, stretched by a Retry-After) — for the event that failed
 * (at most `retries` more times) and for every event after it. A receiver
 * that answers at all (even 4xx) is up; a 4xx is that event's failure, kept
 * as `lastError`. The log has a line per change of state or cause, never one
 * per attempt or per event.
 *
 * @module
 */
import { type LinkStatus, linkStatus, type WebhookConfig } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import { Link, LINK_RETRY, type LinkNote, type RetryPolicy } from "../supervisor/link.ts";
import type { StoredEvent } from "./types.ts";
import {
  type AttemptOutcome,
  delivered,
  describeOutcome,
  MAX_WEBHOOK_QUEUE,
  networkCause,
  parseRetryAfter,
  retryable,
  retryWaitMs,
  wantsEvent,
} from "./webhook_policy.ts";

/**
 * One webhook as `/api/cameras/:id` shows it (in the detector's stats):
 * its link (`state` connecting until the first answer, then up or offline
 * with `cause` and `retryAt`) and its counts.
 */
export interface WebhookStats extends LinkStatus {
  url: string;
  sent: number;
  /** Events given up on: every attempt failed, or the receiver refused the event (4xx). */
  failed: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  attempts: number;
  queued: number;
  /** Why the last failed attempt failed ("HTTP 400", "connection refused by …"), kept once up again. */
  lastError: string | null;
  /** When that was (epoch ms). */
  lastErrorAt: number | null;
}

interface Lane {
  hook: WebhookConfig;
  link: Link;
  queue: StoredEvent[];
  stats: WebhookStats;
  /** The next attempt's time when a Retry-After asked for later than the link (epoch ms). */
  notBefore: number;
  /** The last refusal (4xx) logged, so a receiver refusing every event logs it once. */
  refusal: string;
  pump: Promise<void> | undefined;
}

/** The URL without what may be secret (user info, query, fragment), for log lines. */
function loggable(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(a webhook)";
  }
}

/** The webhooks of one camera. */
export class WebhookSender {
  readonly #lanes: Lane[];
  readonly #log: Logger;
  readonly #policy: RetryPolicy;
  readonly #closing = new AbortController();

  /** `policy` defaults to `LINK_RETRY`; tests pass a faster one of the same shape. */
  constructor(
    hooks: readonly WebhookConfig[],
    options: { log: Logger; policy?: RetryPolicy },
  ) {
    this.#log = options.log;
    this.#policy = options.policy ?? LINK_RETRY;
    this.#lanes = hooks.map((hook, i) => {
      const link = new Link({ what: `webhook ${i} ${loggable(hook.url)}`, policy: this.#policy });
      return {
        hook,
        link,
        queue: [],
        stats: {
          url: hook.url,
          ...linkStatus(link.state),
          sent: 0,
          failed: 0,
          dropped: 0,
          attempts: 0,
          queued: 0,
          lastError: null,
          lastErrorAt: null,
        },
        notBefore: 0,
        refusal: "",
        pump: undefined,
      };
    });
  }

  /** Queues `event` for every webhook that takes its type; returns at once. */
  deliver(event: StoredEvent): void {
    if (this.#closing.signal.aborted) return;
    for (const lane of this.#lanes) {
      if (!wantsEvent(lane.hook, event.type)) continue;
      if (lane.queue.length >= MAX_WEBHOOK_QUEUE) {
        lane.queue.shift();
        // Counted, not logged per event: a receiver that is down fills the queue at the
        // event rate, and its outage is already in the log.
        lane.stats.dropped++;
      }
      lane.queue.push(event);
      lane.stats.queued = lane.queue.length;
      lane.pump ??= this.#pump(lane).finally(() => (lane.pump = undefined));
    }
  }

  /** Counts and link state per webhook. */
  stats(): WebhookStats[] {
    return this.#lanes.map((l) => {
      const status = linkStatus(l.link.state);
      if (status.retryAt !== null) status.retryAt = Math.max(status.retryAt, l.notBefore);
      return { ...l.stats, ...status, queued: l.queue.length };
    });
  }

  /** Resolves once every queue is empty (every event sent or given up on). */
  async idle(): Promise<void> {
    while (this.#lanes.some((l) => l.pump !== undefined)) {
      await Promise.all(this.#lanes.map((l) => l.pump));
    }
  }

  /** Abandons waiting events and cuts attempts in flight. */
  async close(): Promise<void> {
    this.#closing.abort();
    for (const lane of this.#lanes) lane.queue.length = 0;
    await Promise.all(this.#lanes.map((l) => l.pump));
  }

  #note(note: LinkNote | null): void {
    if (note !== null) this.#log[note.level](note.message, note.fields);
  }

  async #pump(lane: Lane): Promise<void> {
    const closing = this.#closing.signal;
    while (lane.queue.length > 0 && !closing.aborted) {
      const event = lane.queue.shift()!;
      lane.stats.queued = lane.queue.length;
      const body = JSON.stringify(event);
      let ok = false;
      for (let attempt = 1; attempt <= lane.hook.retries + 1 && !closing.aborted; attempt++) {
        // A receiver that is down gets nothing before its retry time, whichever event is next.
        const s = lane.link.state;
        if (s.state === "offline") {
          await sleep(Math.max(s.retryAt, lane.notBefore) - Date.now(), closing);
          if (closing.aborted) break;
        }
        lane.stats.attempts++;
        const outcome = await this.#attempt(lane.hook, body);
        if (closing.aborted) break;
        if (delivered(outcome)) {
          ok = true;
          lane.refusal = "";
          this.#up(lane);
          break;
        }
        const cause = describeOutcome(outcome);
        lane.stats.lastError = cause;
        lane.stats.lastErrorAt = Date.now();
        if (!retryable(outcome)) {
          // The receiver answered: it is up, and this event is refused for good.
          this.#up(lane);
          if (cause !== lane.refusal) {
            lane.refusal = cause;
            this.#log.warn("webhook refused an event", {
              webhook: loggable(lane.hook.url),
              event: event.id,
              outcome: cause,
            });
          }
          break;
        }
        const { delayMs, note } = lane.link.down(cause);
        this.#note(note);
        lane.notBefore = Date.now() + retryWaitMs(delayMs, outcome, this.#policy);
      }
      if (ok) lane.stats.sent++;
      else if (!closing.aborted) lane.stats.failed++;
    }
  }

  #up(lane: Lane): void {
    lane.notBefore = 0;
    const note = lane.link.up();
    // The first success is not news; a recovery is.
    if (note !== null && note.message.endsWith("up again")) this.#note(note);
  }

  async #attempt(hook: WebhookConfig, body: string): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(hook.timeout_ms);
    const signal = AbortSignal.any([timeout, this.#closing.signal]);
    try {
      const res = await fetch(hook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "eyrie" },
        body,
        signal,
        redirect: "manual",
      });
      // The whole answer counts: a receiver that stalls mid-body times out too.
      await res.arrayBuffer();
      return {
        kind: "status",
        status: res.status,
        retryAfterS: parseRetryAfter(res.headers.get("retry-after")),
      };
    } catch (e) {
      if (timeout.aborted) return { kind: "timeout" };
      return { kind: "network", message: networkCause(e, hook.url) };
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
