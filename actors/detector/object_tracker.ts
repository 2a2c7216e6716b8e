/**
 * Turns per-frame detections into `object` events: one when a label appears
 * in a zone, none while it stays, and another only after it was gone for
 * `endMs`. A model run every half second would otherwise report the same
 * parked car twice a second. Pure: time is passed in.
 *
 * @module
 */
import type { ObjectBody } from "../events/types.ts";
import type { Detection } from "./detection.ts";

/**
 * Most (zone, label) pairs tracked at once. Reason: 33 zones (32 and `all`)
 * times a handful of classes seen at once; a pair is forgotten `endMs` after
 * it was last seen, and past this bound the stalest goes first.
 */
export const MAX_TRACKED = 1024;

interface Seen {
  lastMs: number;
}

/** Presence of each label in each zone. */
export class ObjectTracker {
  readonly endMs: number;
  readonly #seen = new Map<string, Seen>();

  constructor(options: { endMs: number }) {
    if (!(options.endMs >= 0 && Number.isFinite(options.endMs))) {
      throw new RangeError(`endMs must be a finite number ≥ 0, got ${options.endMs}`);
    }
    this.endMs = options.endMs;
  }

  /**
   * Takes the detections of a frame taken at `atMs` and returns an event for
   * each (zone, label) that was not present: the best-scoring detection of
   * that label in that zone on this frame.
   */
  update(detections: readonly Detection[], atMs: number): ObjectBody[] {
    this.expire(atMs);
    const fresh = new Map<string, ObjectBody>();
    for (const d of detections) {
      for (const zone of d.zones) {
        const key = `${zone}\u0000${d.label}`;
        const seen = this.#seen.get(key);
        if (seen !== undefined && !fresh.has(key)) {
          seen.lastMs = Math.max(seen.lastMs, atMs);
          continue;
        }
        const best = fresh.get(key);
        if (best === undefined || d.score > best.score) {
          fresh.set(key, {
            type: "object",
            atMs,
            zone,
            label: d.label,
            classId: d.classId,
            score: d.score,
            box: { ...d.box },
          });
        }
      }
    }
    for (const key of fresh.keys()) {
      if (this.#seen.size >= MAX_TRACKED) this.#forgetStalest();
      this.#seen.set(key, { lastMs: atMs });
    }
    return [...fresh.values()];
  }

  /** Forgets pairs not seen for `endMs` before `atMs`. */
  expire(atMs: number): void {
    for (const [key, seen] of this.#seen) {
      if (atMs - seen.lastMs >= this.endMs) this.#seen.delete(key);
    }
  }

  /** A label present at `atMs` (the most recently seen), or null when nothing is. */
  present(atMs: number): string | null {
    let label: string | null = null;
    let last = -Infinity;
    for (const [key, seen] of this.#seen) {
      if (atMs - seen.lastMs < this.endMs && seen.lastMs > last) {
        last = seen.lastMs;
        label = key.slice(key.indexOf("\u0000") + 1);
      }
    }
    return label;
  }

  #forgetStalest(): void {
    let stalest: string | undefined;
    let oldest = Infinity;
    for (const [key, seen] of this.#seen) {
      if (seen.lastMs < oldest) {
        oldest = seen.lastMs;
        stalest = key;
      }
    }
    if (stalest !== undefined) this.#seen.delete(stalest);
  }
}
