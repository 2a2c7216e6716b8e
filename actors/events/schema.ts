/**
 * The event store's schema and its migrations. Tables carry an `events_`
 * prefix and the version lives in `events_schema`, so the store shares
 * `<data_dir>/eyrie.db` with the recording index (`recording_*`) and the rest
 * of eyrie's state without coordinating names.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

import { migrateArea, type Migration } from "../state/migrate.ts";

export type { Migration };

/** The event store's migrations, in order. Append; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: SSE clients resume from it
        camera TEXT NOT NULL,
        type TEXT NOT NULL,
        at_ms INTEGER NOT NULL,               -- UTC ms since the epoch
        data TEXT NOT NULL                    -- the event body as JSON
      );
      CREATE INDEX events_log_camera ON events_log (camera, id);
      CREATE INDEX events_log_type ON events_log (type, id);
      CREATE TABLE events_snapshots (
        event_id INTEGER PRIMARY KEY,         -- events_log.id; deleted with it
        camera TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        jpeg BLOB NOT NULL
      );
      CREATE INDEX events_snapshots_camera ON events_snapshots (camera, event_id);
    `,
  },
];

/**
 * Brings the event tables up to the last migration; each step commits with
 * its version or not at all. Returns the version reached. Throws a
 * RangeError when the file is newer than this eyrie.
 */
export function migrateEvents(
  db: DatabaseSync,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  return migrateArea(db, { table: "events_schema", what: "Event store schema", migrations });
}
