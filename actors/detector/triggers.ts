/**
 * When the detector tells the recorder that something is happening. The
 * recorder's trigger (actors/recorder/trigger.ts) records from an event until
 * post-roll after the last one, so a long motion must keep sending: one
 * trigger per start, end and object event, and one every
 * {@linkcode TRIGGER_EVERY_MS} while motion or an object is still present.
 * Pure: time is passed in.
 *
 * @module
 */
import type { EventBody } from "../events/types.ts";

/** Keep-alive interval while something is present. Reason: well under any post-roll (≥ 1 s), few enough to be free. */
export const TRIGGER_EVERY_MS = 1000;

/** When the last trigger went out. */
export interface TriggerClock {
  lastMs: number;
}

export function createTriggerClock(): TriggerClock {
  return { lastMs: -Infinity };
}

/**
 * The trigger kinds (`"motion"` or an object's label) for the events of a
 * frame taken at `atMs`; with none, a keep-alive of `active` (what is still
 * present, or null) when the last trigger is {@linkcode TRIGGER_EVERY_MS} old.
 */
export function triggersFor(
  clock: TriggerClock,
  events: readonly EventBody[],
  options: { atMs: number; active: string | null },
): string[] {
  const kinds: string[] = [];
  for (const e of events) {
    let kind: string | null;
    switch (e.type) {
      case "motion_start":
      case "motion_end":
        kind = "motion";
        break;
      case "object":
        kind = e.label;
        break;
      case "object_end":
      case "global_change":
      case "model_error":
        kind = null;
        break;
    }
    if (kind !== null && !kinds.includes(kind)) kinds.push(kind);
  }
  const { atMs, active } = options;
  if (kinds.length === 0 && active !== null && atMs - clock.lastMs >= TRIGGER_EVERY_MS) {
    kinds.push(active);
  }
  if (kinds.length > 0) clock.lastMs = atMs;
  return kinds;
}
