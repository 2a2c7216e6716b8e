/**
 * The state file's own record of its recoveries (area `state_`): when a
 * corrupt file was moved aside, why, where to, and which areas it lost.
 * Health reads it; so does auth, which keeps a console closed while the
 * users of a recovered file were lost and nobody has been added since
 * ("never silently start without users on a console that required
 * sign-in").
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { migrateArea, type Migration } from "./migrate.ts";

const MIGRATIONS: readonly Migration[] = [{
  version: 1,
  sql: `
    CREATE TABLE state_recoveries (
      id INTEGER PRIMARY KEY,
      at_ms INTEGER NOT NULL,
      moved_to TEXT NOT NULL,          -- where the corrupt file went
      reason TEXT NOT NULL,
      kept TEXT NOT NULL,              -- JSON array of areas copied over
      lost TEXT NOT NULL,              -- JSON array of areas lost; ["*"]: nothing could be read
      users_settled INTEGER NOT NULL DEFAULT 0 CHECK (users_settled IN (0, 1))
    );
  `,
}];

/** One recovery, as recorded. */
export interface Recovery {
  atMs: number;
  movedTo: string;
  reason: string;
  kept: string[];
  /** ["*"] when not even the list of tables could be read. */
  lost: string[];
}

/** Brings the recovery log's table up to date. */
export function migrateRecoveries(db: DatabaseSync): void {
  migrateArea(db, {
    table: "state_schema",
    what: "The state recovery log",
    migrations: MIGRATIONS,
  });
}

/** Records a recovery. Users count as lost when auth was lost or nothing could be read. */
export function recordRecovery(db: DatabaseSync, r: Recovery): void {
  migrateRecoveries(db);
  db.prepare(
    "INSERT INTO state_recoveries (at_ms, moved_to, reason, kept, lost) VALUES (?, ?, ?, ?, ?)",
  ).run(r.atMs, r.movedTo, r.reason, JSON.stringify(r.kept), JSON.stringify(r.lost));
}

function hasLog(db: DatabaseSync): boolean {
  return db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state_recoveries'",
  ).get() !== undefined;
}

/** The latest recovery of this file, or null. */
export function lastRecovery(db: DatabaseSync): Recovery | null {
  if (!hasLog(db)) return null;
  const row = db.prepare(
    "SELECT at_ms, moved_to, reason, kept, lost FROM state_recoveries ORDER BY id DESC LIMIT 1",
  ).get();
  if (row === undefined) return null;
  return {
    atMs: Number(row.at_ms),
    movedTo: String(row.moved_to),
    reason: String(row.reason),
    kept: JSON.parse(String(row.kept)),
    lost: JSON.parse(String(row.lost)),
  };
}

/**
 * Whether a recovery lost the users (and with them whether sign-in was
 * required) and no user has been added since: auth must then treat the
 * console as one nobody can sign in to, wherever it listens.
 */
export function usersLost(db: DatabaseSync): boolean {
  if (!hasLog(db)) return false;
  return db.prepare(
    "SELECT 1 FROM state_recoveries WHERE users_settled = 0 AND " +
      "(lost LIKE '%\"auth\"%' OR lost LIKE '%\"*\"%') LIMIT 1",
  ).get() !== undefined;
}

/** A user exists again: the lost users no longer close the console. */
export function settleUsers(db: DatabaseSync): void {
  if (hasLog(db)) db.exec("UPDATE state_recoveries SET users_settled = 1 WHERE users_settled = 0");
}
