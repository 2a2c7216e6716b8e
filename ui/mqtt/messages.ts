/**
 * What eyrie publishes, as payloads: detection events, stats, and what a
 * camera's motion and object sensors say. Pure: values in, JSON out.
 *
 * @module
 */
import type { StoredEvent } from "../../actors/events/mod.ts";

/** An event as `<prefix>/<camera>/events` carries it. */
export interface EventMessage {
  id: number;
  camera: string;
  type: StoredEvent["type"];
  /** What it is about: motion, an object, the picture, the model. */
  kind: "motion" | "object" | "picture" | "model";
  /** start: motion began, an object appeared; end: it stopped, it left; null for the others. */
  phase: "start" | "end" | null;
  /** The object's label; null for motion and the others. */
  label: string | null;
  score: number | null;
  box: { x: number; y: number; w: number; h: number } | null;
  zone: string | null;
  at: string;
  /** How long the motion or the object lasted (end events). */
  duration_ms: number | null;
  /** The event's picture on the console, when it has one. */
  snapshot_url: string | null;
}

/** The message of `e`; `consoleUrl` (no trailing "/") makes its snapshot URL. */
export function eventMessage(e: StoredEvent, consoleUrl: string): EventMessage {
  const base = {
    id: e.id,
    camera: e.camera,
    type: e.type,
    at: e.at,
    snapshot_url: e.snapshot ? `${consoleUrl}/api/events/${e.id}/snapshot.jpg` : null,
  };
  switch (e.type) {
    case "motion_start":
      return {
        ...base,
        kind: "motion",
        phase: "start",
        label: null,
        score: null,
        box: e.box,
        zone: e.zone,
        duration_ms: null,
      };
    case "motion_end":
      return {
        ...base,
        kind: "motion",
        phase: "end",
        label: null,
        score: null,
        box: e.box,
        zone: e.zone,
        duration_ms: e.durationMs,
      };
    case "object":
      return {
        ...base,
        kind: "object",
        phase: "start",
        label: e.label,
        score: e.score,
        box: e.box,
        zone: e.zone,
        duration_ms: null,
      };
    case "object_end":
      return {
        ...base,
        kind: "object",
        phase: "end",
        label: e.label,
        score: e.score,
        box: e.box,
        zone: e.zone,
        duration_ms: e.durationMs,
      };
    case "global_change":
      return {
        ...base,
        kind: "picture",
        phase: null,
        label: null,
        score: null,
        box: null,
        zone: null,
        duration_ms: null,
      };
    case "model_error":
      return {
        ...base,
        kind: "model",
        phase: null,
        label: null,
        score: null,
        box: null,
        zone: null,
        duration_ms: null,
      };
  }
}

/**
 * Which zones have motion and which labels are present, per camera, from
 * the events as they come: what the motion and object sensors say.
 */
export class Presence {
  readonly #motion = new Set<string>();
  readonly #objects = new Map<string, Set<string>>();

  /** Applies `e`; returns what changed: "motion", a label, or null. */
  apply(e: StoredEvent): { motion: boolean } | { label: string; on: boolean } | null {
    switch (e.type) {
      case "motion_start":
      case "motion_end": {
        const was = this.#motion.size > 0;
        if (e.type === "motion_start") this.#motion.add(e.zone);
        else this.#motion.delete(e.zone);
        const now = this.#motion.size > 0;
        return was === now ? null : { motion: now };
      }
      case "object":
      case "object_end": {
        let zones = this.#objects.get(e.label);
        const was = zones !== undefined && zones.size > 0;
        if (zones === undefined) this.#objects.set(e.label, zones = new Set());
        if (e.type === "object") zones.add(e.zone);
        else zones.delete(e.zone);
        const now = zones.size > 0;
        return was === now ? null : { label: e.label, on: now };
      }
      case "global_change":
      case "model_error":
        return null;
    }
  }

  get motion(): boolean {
    return this.#motion.size > 0;
  }

  present(label: string): boolean {
    return (this.#objects.get(label)?.size ?? 0) > 0;
  }
}
