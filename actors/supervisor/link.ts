/**
 * Something outside eyrie that an actor depends on — a camera's source, an
 * RTP destination, a forward receiver, a webhook, a disk — is a state with a
 * cause, not a crash count. The actor that owns such a link keeps running
 * while the link is down and retries it forever with capped, jittered
 * backoff; its supervisor is not involved, so an unplugged camera can never
 * spend a restart window and escalate (docs/architecture.md, "Faults").
 *
 * {@linkcode Link} is the state machine, pure and clocked from outside: the
 * owner does the I/O, tells the link how each try went, waits the delay it
 * is given, and logs the notes it returns. Notes come on a change of state
 * or cause and as a periodic summary, never one per try.
 *
 * ```
 *   connecting ──ok──▶ up ──fault──▶ offline(cause, retryAt) ──retry──▶ connecting
 *        └──────────────fault───────────────▲
 * ```
 *
 * @module
 */
import type { LinkState } from "../defs.ts";

export type { LinkState };

/** Delay before try n+1 after n failures: min(maxMs, initialMs × 2^(n−1)) ± jitter. */
export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay added or taken at random (0 ≤ jitter < 1). */
  jitter: number;
}

/**
 * The policy for every link to the world outside: about 1 s, doubling to a
 * minute. A camera that comes back is seen within a minute; ±20 % keeps many
 * cameras that fell with one switch from retrying in lockstep.
 */
export const LINK_RETRY: RetryPolicy = { initialMs: 1_000, maxMs: 60_000, jitter: 0.2 };

/** While a link stays down, one summary line this often (besides the change notes). */
export const LINK_SUMMARY_EVERY_MS = 10 * 60_000;

/** The delay before the next try after `attempt` failures in a row (1-based). */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    policy.maxMs,
    policy.initialMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30),
  );
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + 2 * spread * random()));
}

/** A line worth logging about a link: a change of state or cause, or a summary. */
export interface LinkNote {
  level: "info" | "warn";
  message: string;
  fields: Record<string, string | number>;
}

export interface LinkOptions {
  /** What the link is, for notes: "source rtsp://cam.local/stream". */
  what: string;
  policy?: RetryPolicy;
  now?: () => number;
  random?: () => number;
}

/** One link's state machine. */
export class Link {
  readonly what: string;
  readonly #policy: RetryPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  #state: LinkState;
  #lastSummary = 0;
  /** Failed tries since the link was last up (survives the connecting state between tries). */
  #failures = 0;
  #downSince = 0;
  #cause = "";
  /** Outages since the actor started (for metrics). */
  #outages = 0;

  constructor(options: LinkOptions) {
    this.what = options.what;
    this.#policy = options.policy ?? LINK_RETRY;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#state = { state: "connecting", since: this.#now(), attempt: 1 };
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Outages since this link was made. */
  get outages(): number {
    return this.#outages;
  }

  /** A try begins. */
  connecting(): void {
    this.#state = { state: "connecting", since: this.#now(), attempt: this.#failures + 1 };
  }

  /** The try worked, or the link works again. Returns a note when it had been down. */
  up(): LinkNote | null {
    const now = this.#now();
    const was = this.#failures;
    const since = this.#downSince;
    if (this.#state.state === "up") return null;
    this.#state = { state: "up", since: now };
    this.#failures = 0;
    this.#cause = "";
    if (was === 0) return { level: "info", message: `${this.what}: up`, fields: {} };
    return {
      level: "info",
      message: `${this.what}: up again`,
      fields: { down_s: Math.round((now - since) / 1000), tries: was },
    };
  }

  /**
   * The try failed, or a working link broke, because of `cause`. Returns the
   * delay before the next try and a note when the state or cause changed (or
   * a summary is due).
   */
  down(cause: string): { delayMs: number; note: LinkNote | null } {
    const now = this.#now();
    const first = this.#failures === 0;
    if (first) {
      this.#downSince = now;
      this.#lastSummary = now;
      this.#outages++;
    }
    this.#failures++;
    const delayMs = retryDelayMs(this.#policy, this.#failures, this.#random);
    const changed = cause !== this.#cause;
    this.#cause = cause;
    this.#state = {
      state: "offline",
      since: this.#downSince,
      cause,
      retryAt: now + delayMs,
      attempt: this.#failures,
    };
    let note: LinkNote | null = null;
    if (first || changed) {
      note = {
        level: "warn",
        message: `${this.what}: offline`,
        fields: { cause, retry_in_ms: delayMs, tries: this.#failures },
      };
    } else if (now - this.#lastSummary >= LINK_SUMMARY_EVERY_MS) {
      this.#lastSummary = now;
      note = {
        level: "warn",
        message: `${this.what}: still offline`,
        fields: {
          cause,
          down_s: Math.round((now - this.#downSince) / 1000),
          tries: this.#failures,
          retry_in_ms: delayMs,
        },
      };
    }
    return { delayMs, note };
  }
}
