/**
 * The camera of a recording, for the access check of
 * `/api/recordings/:id`: looked up in the recording index's
 * `recording_segments` table (same state file). Unknown (no such table or
 * row, or an id that is not a number) is null, and the request is then
 * treated as one that covers every camera.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** The camera that recorded segment `id`, or null. */
export function recordingCamera(db: DatabaseSync, id: string): string | null {
  if (!/^\d{1,15}$/.test(id)) return null;
  try {
    const row = db.prepare("SELECT camera FROM recording_segments WHERE id = ?").get(Number(id));
    return typeof row?.camera === "string" ? row.camera : null;
  } catch {
    // The recorder has not made its tables in this file.
    return null;
  }
}
