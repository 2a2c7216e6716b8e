/**
 * The camera of a detection event, for the access check of
 * `/api/events/:id…`: looked up in the events store's `events_log` table
 * (same state file). Unknown (no such table or row, or an id that is not a
 * number) is null, and the request is then treated as one that covers
 * every camera.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** The camera that raised event `id`, or null. */
export function eventCamera(db: DatabaseSync, id: string): string | null {
  if (!/^\d{1,15}$/.test(id)) return null;
  try {
    const row = db.prepare("SELECT camera FROM events_log WHERE id = ?").get(Number(id));
    return typeof row?.camera === "string" ? row.camera : null;
  } catch {
    // The detector has not made its tables in this file.
    return null;
  }
}
