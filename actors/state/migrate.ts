/**
 * Schema migrations for eyrie's one SQLite state file (`<data_dir>/eyrie.db`).
 * Each area (recording index, events, auth) keeps its own numbered list and
 * its own version table, so the areas move independently in one file. Each
 * step commits together with its version number, or not at all; a step
 * another process applied while this one waited for the lock is skipped.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** One step: `sql` brings the area from `version - 1` to `version`. */
export interface Migration {
  version: number;
  sql: string;
}

/** Table names are fixed strings in code, never input; this guards against a typo all the same. */
const TABLE = /^[a-z][a-z0-9_]{0,62}$/;

/** The version an area's tables are at (0 before its first migration). */
export function schemaVersion(db: DatabaseSync, table: string): number {
  if (!TABLE.test(table)) throw new TypeError(`Bad version table name "${table}"`);
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER NOT NULL)`);
  const v = db.prepare(`SELECT max(version) AS v FROM ${table}`).get()?.v;
  return typeof v === "number" ? v : 0;
}

/**
 * Brings an area up to its last migration. `table` holds its version;
 * `what` names it in errors ("Recording index schema").
 *
 * @returns the version reached.
 * @throws {RangeError} when the migrations are not numbered 1, 2, 3…, or the
 *   file is newer than this eyrie knows.
 */
export function migrateArea(
  db: DatabaseSync,
  area: { table: string; what: string; migrations: readonly Migration[] },
): number {
  const { table, what, migrations } = area;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new RangeError(
        `Migration ${i + 1} is numbered ${m.version}; they must count up from 1`,
      );
    }
  });
  let version = schemaVersion(db, table);
  if (version > migrations.length) {
    throw new RangeError(
      `${what} is at version ${version}, newer than this eyrie knows (${migrations.length})`,
    );
  }
  for (const m of migrations.slice(version)) {
    db.exec("BEGIN IMMEDIATE");
    try {
      // Another process may have migrated while this one waited for the lock.
      if (schemaVersion(db, table) < m.version) {
        db.exec(m.sql);
        db.prepare(`DELETE FROM ${table}`).run();
        db.prepare(`INSERT INTO ${table} (version) VALUES (?)`).run(m.version);
      }
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
    version = m.version;
  }
  return version;
}
