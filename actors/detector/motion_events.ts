import type { Box } from "./box.ts";

/** Motion began in a zone: it stayed above the zone's minimum area for the start frames. */
export interface MotionStartEvent {
  kind: "motion_start";
  zone: string;
  /** Box of the motion on the frame that started it (normalised). */
  box: Box;
  /** Moving area on that frame, as a fraction of the zone. */
  area: number;
  /** Time of that frame, in the caller's milliseconds. */
  atMs: number;
}

/** Motion ended in a zone: it stayed below the minimum area for the end delay. */
export interface MotionEndEvent {
  kind: "motion_end";
  zone: string;
  /** From the start frame to the last frame that still showed motion. */
  durationMs: number;
  /** Union of every box seen while the motion lasted (normalised). */
  box: Box;
  /** Largest moving area seen, as a fraction of the zone. */
  peakArea: number;
  /** Time of the frame that ended it (`endMs` after the last motion). */
  atMs: number;
}

/** The whole frame changed at once (lights, IR switch, exposure); the background was re-seeded. */
export interface GlobalChangeEvent {
  kind: "global_change";
  /** Mean brightness shift from the background, in gray levels. */
  meanShift: number;
  /** Fraction of the frame's pixels that changed. */
  changedFraction: number;
  atMs: number;
}

/** What the motion detector reports. A closed union: switch on `kind`. */
export type MotionEvent = MotionStartEvent | MotionEndEvent | GlobalChangeEvent;
