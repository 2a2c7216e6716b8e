/**
 * The event store's schema and its migrations. Tables carry an `events_`
 * prefix and the version lives in `events_schema`, so the store shares
 * `<data_dir>/eyrie.db` with the recording index (`recording_*`) and the rest
 * of eyrie's state without coordinating names.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** One schema step: SQL run once, in a transaction, to go from `version - 1` to `version`. */
export interface Migration {
  version: number;
  sql: string;
}

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

function currentVersion(db: DatabaseSync): number {
  db.exec("CREATE TABLE IF NOT EXISTS events_schema (version INTEGER NOT NULL)");
  const v = db.prepare("SELECT max(version) AS v FROM events_schema").get()?.v;
  return typeof v === "number" ? v : 0;
}

/**
 * Brings the event tables up to the last migration; each step commits with
 * its version or not at all. Returns the version reached. Throws a
 * RangeError when the file is newer than this eyrie.
 */
export function migrateEvents(
  db: DatabaseSync,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new RangeError(
        `Migration ${i + 1} is numbered ${m.version}; they must count up from 1`,
      );
    }
  });
  let version = currentVersion(db);
  if (version > migrations.length) {
    throw new RangeError(
      `Event store schema is at version ${version}, newer than this eyrie knows (${migrations.length})`,
    );
  }
  for (const m of migrations.slice(version)) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      db.prepare("DELETE FROM events_schema").run();
      db.prepare("INSERT INTO events_schema (version) VALUES (?)").run(m.version);
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
    version = m.version;
  }
  return version;
}
