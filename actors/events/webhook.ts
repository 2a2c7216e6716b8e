/**
 * Delivers stored events to a camera's webhooks: one JSON POST per event,
 * in order per webhook, each attempt bounded by the webhook's timeout, failed
 * attempts retried with backoff (webhook_policy.ts), and at most
 * {@linkcode MAX_WEBHOOK_QUEUE} events waiting per webhook.
 *
 * @module
 */
import type { WebhookConfig } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import type { StoredEvent } from "./types.ts";
import {
  type AttemptOutcome,
  type Backoff,
  delivered,
  MAX_WEBHOOK_QUEUE,
  parseRetryAfter,
  retryable,
  retryDelayMs,
  wantsEvent,
} from "./webhook_policy.ts";

/** Counts per webhook, for stats. */
export interface WebhookStats {
  url: string;
  sent: number;
  /** Events given up on after every attempt failed. */
  failed: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  attempts: number;
  queued: number;
}

interface Lane {
  hook: WebhookConfig;
  queue: StoredEvent[];
  stats: WebhookStats;
  pump: Promise<void> | undefined;
}

/** The webhooks of one camera. */
export class WebhookSender {
  readonly #lanes: Lane[];
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #closing = new AbortController();

  constructor(
    hooks: readonly WebhookConfig[],
    options: { log: Logger; backoff?: Backoff },
  ) {
    this.#log = options.log;
    this.#backoff = options.backoff ?? {};
    this.#lanes = hooks.map((hook) => ({
      hook,
      queue: [],
      stats: { url: hook.url, sent: 0, failed: 0, dropped: 0, attempts: 0, queued: 0 },
      pump: undefined,
    }));
  }

  /** Queues `event` for every webhook that takes its type; returns at once. */
  deliver(event: StoredEvent): void {
    if (this.#closing.signal.aborted) return;
    for (const lane of this.#lanes) {
      if (!wantsEvent(lane.hook, event.type)) continue;
      if (lane.queue.length >= MAX_WEBHOOK_QUEUE) {
        lane.queue.shift();
        lane.stats.dropped++;
        this.#log.warn("webhook queue full: dropped the oldest event", { url: lane.hook.url });
      }
      lane.queue.push(event);
      lane.stats.queued = lane.queue.length;
      lane.pump ??= this.#pump(lane).finally(() => (lane.pump = undefined));
    }
  }

  /** Counts per webhook. */
  stats(): WebhookStats[] {
    return this.#lanes.map((l) => ({ ...l.stats, queued: l.queue.length }));
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

  async #pump(lane: Lane): Promise<void> {
    const closing = this.#closing.signal;
    while (lane.queue.length > 0 && !closing.aborted) {
      const event = lane.queue.shift()!;
      lane.stats.queued = lane.queue.length;
      const body = JSON.stringify(event);
      let last: AttemptOutcome = { kind: "network", message: "not attempted" };
      let ok = false;
      for (let attempt = 1; attempt <= lane.hook.retries + 1 && !closing.aborted; attempt++) {
        lane.stats.attempts++;
        last = await this.#attempt(lane.hook, body);
        if (delivered(last)) {
          ok = true;
          break;
        }
        if (!retryable(last) || attempt > lane.hook.retries) break;
        await sleep(retryDelayMs(attempt, last, this.#backoff), closing);
      }
      if (ok) {
        lane.stats.sent++;
      } else if (!closing.aborted) {
        lane.stats.failed++;
        this.#log.warn("webhook failed", {
          url: lane.hook.url,
          event: event.id,
          outcome: describe(last),
        });
      }
    }
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
      return { kind: "network", message: (e as Error).message };
    }
  }
}

function describe(o: AttemptOutcome): string {
  switch (o.kind) {
    case "status":
      return `HTTP ${o.status}`;
    case "timeout":
      return "timed out";
    case "network":
      return o.message;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
