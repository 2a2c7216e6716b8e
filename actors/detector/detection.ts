import type { Box } from "./box.ts";
import { pointInPolygon, type Polygon } from "./polygon.ts";
import { DEFAULT_ZONE, type Zone } from "./zones.ts";

/** One object found in a frame. */
export interface Detection {
  /** Index of the class in the model's output. */
  classId: number;
  label: string;
  /** Class score, 0..1. */
  score: number;
  /** Where it is, normalised to the analysed frame. */
  box: Box;
  /** Zones the object counts in ({@linkcode DEFAULT_ZONE} when no zones are configured). */
  zones: string[];
}

/**
 * The zones a detected box counts in, or null when it counts nowhere and is
 * dropped. The box is placed by its bottom-centre, the point where a person
 * or a car meets the ground: a zone drawn on the driveway then catches the
 * car parked on it and not the one passing behind it, whose box overlaps the
 * zone but whose wheels do not. A mask around that point drops the box; a
 * zone with `classes` only counts those labels.
 */
export function detectionZones(
  box: Box,
  label: string,
  options: { zones: readonly Zone[]; masks: readonly Polygon[] },
): string[] | null {
  const x = box.x + box.w / 2;
  // Nudged inside: a box resting on the frame's bottom edge (y = 1) must
  // still fall in a zone whose edge runs along it.
  const y = Math.min(box.y + box.h, 1 - 1e-6);
  for (const mask of options.masks) if (pointInPolygon(mask, x, y)) return null;
  if (options.zones.length === 0) return [DEFAULT_ZONE];
  const names: string[] = [];
  for (const zone of options.zones) {
    if (zone.classes !== undefined && !zone.classes.includes(label)) continue;
    if (pointInPolygon(zone.polygon, x, y)) names.push(zone.name);
  }
  return names.length > 0 ? names : null;
}
