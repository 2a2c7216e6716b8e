/**
 * The recording index schema and its migrations. Tables carry a `recording_`
 * prefix so the index can share one SQLite file with the rest of eyrie's
 * state without coordinating names.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

import { migrateArea, type Migration } from "../state/migrate.ts";

export type { Migration };

/** The migrations of the recording index, in order. Append; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE recording_segments (
        id INTEGER PRIMARY KEY,
        camera TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,         -- relative to the recordings dir
        start_ms INTEGER NOT NULL,         -- UTC ms since the epoch
        end_ms INTEGER,                    -- NULL while the segment is being written
        bytes INTEGER NOT NULL DEFAULT 0,
        frames INTEGER NOT NULL DEFAULT 0,
        keyframes INTEGER NOT NULL DEFAULT 0,
        complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
        thumbnail TEXT                     -- relative to the recordings dir
      );
      CREATE INDEX recording_segments_camera_start ON recording_segments (camera, start_ms, id);
      CREATE INDEX recording_segments_start ON recording_segments (start_ms, id);
      CREATE TABLE recording_events (
        id INTEGER PRIMARY KEY,
        segment_id INTEGER NOT NULL REFERENCES recording_segments (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX recording_events_segment ON recording_events (segment_id, at_ms);
    `,
  },
  {
    version: 2,
    // Thumbnails count towards the size limits: a JPEG per segment is small,
    // but "never fill the disk" means every byte eyrie writes is counted.
    sql: `
      ALTER TABLE recording_segments ADD COLUMN thumbnail_bytes INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX recording_events_at ON recording_events (at_ms, id);
      CREATE INDEX recording_segments_open ON recording_segments (camera) WHERE end_ms IS NULL;
    `,
  },
  {
    version: 3,
    // Segments come in several containers, and MJPEG cameras record too: the
    // player and exports need the codec. Every segment before this was H.264
    // in MP4. NULL: a file reconcile found whose codec it does not know.
    sql: `
      ALTER TABLE recording_segments ADD COLUMN codec TEXT
        CHECK (codec IS NULL OR codec IN ('h264', 'mjpeg'));
      UPDATE recording_segments SET codec = 'h264';
    `,
  },
];

/**
 * Brings the schema up to the last migration's version; each step commits
 * with its version number or not at all.
 *
 * @returns the version the database is at afterwards.
 * @throws {RangeError} when the database is newer than the migrations, or
 *   they are not numbered 1, 2, 3…
 */
export function migrate(
  db: DatabaseSync,
  options: { migrations?: readonly Migration[] } = {},
): number {
  return migrateArea(db, {
    table: "recording_schema",
    what: "Recording index schema",
    migrations: options.migrations ?? MIGRATIONS,
  });
}
