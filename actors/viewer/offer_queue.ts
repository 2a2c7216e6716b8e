/**
 * Offers waiting their turn, first come first served among those that may
 * start (one client at its own cap does not hold up the others behind it).
 * The rules are admission.ts's; this only keeps the order. No timers: the
 * actor drains it on every change (a session connected or ended, an answer
 * made) and on its tick, which also ends waits that took too long.
 *
 * @module
 */
import type { Admission, Refusal } from "./admission.ts";

interface Entry {
  key: string;
  sinceMs: number;
  resolve(outcome: Refusal | null): void;
}

export class OfferQueue {
  #entries: Entry[] = [];

  /** Offers waiting. */
  get size(): number {
    return this.#entries.length;
  }

  /** Offers of client `key` waiting. */
  count(key: string): number {
    let n = 0;
    for (const e of this.#entries) if (e.key === key) n++;
    return n;
  }

  /** Waits until a drain starts this offer (null) or refuses it (the refusal). */
  wait(key: string, nowMs: number): Promise<Refusal | null> {
    return new Promise((resolve) => this.#entries.push({ key, sinceMs: nowMs, resolve }));
  }

  /**
   * Asks `decide` about each waiting offer in order; `start(key)` is called
   * (before the waiter hears of it) for each one that starts, so the next
   * decision already counts it.
   */
  drain(
    nowMs: number,
    decide: (key: string, waitedMs: number) => Admission,
    start: (key: string) => void,
  ): void {
    const keep: Entry[] = [];
    for (const e of this.#entries) {
      const a = decide(e.key, nowMs - e.sinceMs);
      switch (a.kind) {
        case "wait":
          keep.push(e);
          break;
        case "start":
          start(e.key);
          e.resolve(null);
          break;
        case "refuse":
          e.resolve(a.refusal);
          break;
      }
    }
    this.#entries = keep;
  }

  /** Refuses every waiting offer (the actor stops). */
  clear(refusal: Refusal): void {
    for (const e of this.#entries) e.resolve(refusal);
    this.#entries = [];
  }
}
