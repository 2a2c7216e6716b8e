/**
 * Turns per-frame detections into `object` events: one when a label appears
 * in a zone, none while it stays, and another only after it was gone for
 * `endMs`. A model run every half second would otherwise report the same
 * parked car twice a second. When a label has been gone for `endMs`, an
 * `object_end` says so (how long it stayed, its best score and last box),
 * so a consumer (MQTT, Home Assistant) knows presence as well as arrival.
 * Pure: time is passed in.
 *
 * @module
 */
import type { EventBox, ObjectBody, ObjectEndBody } from "../events/types.ts";
import type { Detection } from "./detection.ts";

/**
 * Most (zone, label) pairs tracked at once. Reason: 33 zones (32 and `all`)
 * times a handful of classes seen at once; a pair is forgotten `endMs` after
 * it was last seen, and past this bound the stalest goes first.
 */
export const MAX_TRACKED = 1024;

interface Seen {
  firstMs: number;
  lastMs: number;
  zone: string;
  label: string;
  classId: number;
  score: number;
  box: EventBox;
}

/** Presence of each label in each zone. */
export class ObjectTracker {
  readonly endMs: number;
  readonly #seen = new Map<string, Seen>();
  /** Ends found while updating, until {@linkcode ended} hands them out. */
  readonly #ended: ObjectEndBody[] = [];

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
          seen.box = { ...d.box };
          seen.score = Math.max(seen.score, d.score);
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
    for (const [key, e] of fresh) {
      if (this.#seen.size >= MAX_TRACKED) this.#forgetStalest();
      this.#seen.set(key, {
        firstMs: atMs,
        lastMs: atMs,
        zone: e.zone,
        label: e.label,
        classId: e.classId,
        score: e.score,
        box: { ...e.box },
      });
    }
    return [...fresh.values()];
  }

  /** Forgets pairs not seen for `endMs` before `atMs`; their ends wait for {@linkcode ended}. */
  expire(atMs: number): void {
    for (const [key, seen] of this.#seen) {
      if (atMs - seen.lastMs >= this.endMs) {
        this.#seen.delete(key);
        this.#ended.push(endOf(seen, seen.lastMs + this.endMs));
      }
    }
  }

  /** The `object_end` events due at `atMs` (call on every analysed frame). */
  ended(atMs: number): ObjectEndBody[] {
    this.expire(atMs);
    return this.#ended.splice(0);
  }

  /** Ends every label present (shutdown): their `object_end` at `atMs`. */
  finish(atMs: number): ObjectEndBody[] {
    for (const seen of this.#seen.values()) this.#ended.push(endOf(seen, atMs));
    this.#seen.clear();
    return this.#ended.splice(0);
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

  /** Past MAX_TRACKED the stalest pair goes without an end: it is one of a thousand. */
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

function endOf(seen: Seen, atMs: number): ObjectEndBody {
  return {
    type: "object_end",
    atMs,
    zone: seen.zone,
    label: seen.label,
    classId: seen.classId,
    score: seen.score,
    box: seen.box,
    durationMs: seen.lastMs - seen.firstMs,
  };
}
