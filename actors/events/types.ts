/**
 * Detection events as the detector reports them, the store keeps them, the
 * API lists and streams them and webhooks receive them. Times are UTC
 * milliseconds since the epoch (the ring clock, see `nowNs` in defs.ts);
 * boxes are normalised to the analysed frame (x, y of the top-left corner,
 * w, h; all 0..1), so they overlay any size of the same picture.
 *
 * @module
 */
import type { DetectionEventType } from "../defs.ts";
import type { ModelProblem } from "../detector/model_error.ts";

export type { DetectionEventType };

/** A box in normalised frame coordinates. */
export interface EventBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Motion began in a zone. */
export interface MotionStartBody {
  type: "motion_start";
  atMs: number;
  zone: string;
  box: EventBox;
  /** Moving fraction of the zone on the frame that started it. */
  area: number;
}

/** Motion ended in a zone. */
export interface MotionEndBody {
  type: "motion_end";
  atMs: number;
  zone: string;
  /** Union of every box seen while it lasted. */
  box: EventBox;
  /** From the first to the last frame that moved. */
  durationMs: number;
  peakArea: number;
}

/** An object of a class appeared in a zone. */
export interface ObjectBody {
  type: "object";
  atMs: number;
  zone: string;
  label: string;
  classId: number;
  score: number;
  box: EventBox;
}

/** An object's label has not been seen in a zone for the camera's `end_ms`. */
export interface ObjectEndBody {
  type: "object_end";
  /** When it counts as gone: the last sighting plus `end_ms`. */
  atMs: number;
  zone: string;
  label: string;
  classId: number;
  /** The best score while it stayed. */
  score: number;
  /** Where it was last seen. */
  box: EventBox;
  /** From the first sighting to the last. */
  durationMs: number;
}

/** The whole picture changed at once (lights, infrared switch, exposure): not motion. */
export interface GlobalChangeBody {
  type: "global_change";
  atMs: number;
  /** Mean brightness shift, gray levels. */
  meanShift: number;
  changedFraction: number;
}

/** The configured model cannot be used; the detector runs motion only. */
export interface ModelErrorBody {
  type: "model_error";
  atMs: number;
  path: string;
  /**
   * What is wrong: a ModelError's problem; `options` when the config names a
   * class the model lacks; `runtime` when onnxruntime itself cannot load.
   */
  problem: ModelProblem | "options" | "runtime";
  message: string;
}

/** What the detector reports. A closed union: switch on `type`. */
export type EventBody =
  | MotionStartBody
  | MotionEndBody
  | ObjectBody
  | ObjectEndBody
  | GlobalChangeBody
  | ModelErrorBody;

/** An event as stored: its body plus where it came from and its id. */
export type StoredEvent = EventBody & {
  /** Increasing; never reused (the SSE stream's `id:`). */
  id: number;
  camera: string;
  /** The same instant as `atMs`, as an ISO 8601 string. */
  at: string;
  /** Whether `GET /api/events/:id/snapshot.jpg` has a picture. */
  snapshot: boolean;
};

/** Every event type, in the order the docs list them. */
export const EVENT_TYPES: readonly DetectionEventType[] = [
  "motion_start",
  "motion_end",
  "object",
  "object_end",
  "global_change",
  "model_error",
];

/** Whether `value` names an event type. */
export function isEventType(value: string): value is DetectionEventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** The zone an event is about, if it has one. */
export function eventZone(e: EventBody): string | null {
  switch (e.type) {
    case "motion_start":
    case "motion_end":
    case "object":
    case "object_end":
      return e.zone;
    case "global_change":
    case "model_error":
      return null;
  }
}

/** The box an event points at, if it has one. */
export function eventBox(e: EventBody): EventBox | null {
  switch (e.type) {
    case "motion_start":
    case "motion_end":
    case "object":
    case "object_end":
      return e.box;
    case "global_change":
    case "model_error":
      return null;
  }
}
