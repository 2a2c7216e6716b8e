/**
 * The tables of users, grants, approval requests and the session key, with
 * their migrations. Every table carries an `auth_` prefix so they share
 * `<data_dir>/eyrie.db` with the recording index and others without
 * coordinating names; the version lives in `auth_schema`.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

import { migrateArea, type Migration } from "../../actors/state/migrate.ts";

export type { Migration };

/** The auth migrations, in order. Append; never edit a released one. */
export const AUTH_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE auth_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
        password TEXT,                       -- scrypt$N$r$p$salt$hash, NULL: certificate only
        generation INTEGER NOT NULL DEFAULT 1, -- bumped to end every session of the user
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
      );
      CREATE TABLE auth_grants (
        subject TEXT PRIMARY KEY,            -- "user:NAME" or "cert:SHA-256 fingerprint"
        label TEXT NOT NULL,                 -- the user name or the certificate's common name
        cameras TEXT NOT NULL,               -- JSON array of camera ids; ["*"] for every camera
        can_record INTEGER NOT NULL DEFAULT 0 CHECK (can_record IN (0, 1)),
        can_download INTEGER NOT NULL DEFAULT 0 CHECK (can_download IN (0, 1)),
        can_control_quality INTEGER NOT NULL DEFAULT 0 CHECK (can_control_quality IN (0, 1)),
        max_quality TEXT NOT NULL DEFAULT 'ultra',
        updated_ms INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE auth_approvals (
        id INTEGER PRIMARY KEY,
        subject TEXT NOT NULL,
        label TEXT NOT NULL,
        fingerprint TEXT,                    -- the client certificate's, when asked with one
        cameras TEXT NOT NULL,               -- JSON array asked for; [] lets the admin choose
        note TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
        requested_ms INTEGER NOT NULL,
        decided_ms INTEGER,
        decided_by TEXT
      );
      CREATE UNIQUE INDEX auth_approvals_one_pending ON auth_approvals (subject)
        WHERE status = 'pending';
      CREATE INDEX auth_approvals_subject ON auth_approvals (subject, id);
      CREATE TABLE auth_secret (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key TEXT NOT NULL                    -- HMAC key of session tokens, hex
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- MD5(name:eyrie:password) of the user's RTSP password, for RTSP Digest (docs/rtsp.md);
      -- NULL: no RTSP access by password. Apart from the console's scrypt hash on purpose.
      ALTER TABLE auth_users ADD COLUMN rtsp_ha1 TEXT;
    `,
  },
  {
    version: 3,
    sql: `
      -- JSON array of [[library]] ids the subject may browse and play; ["*"] for every library;
      -- [] (every grant made before libraries existed) for none.
      ALTER TABLE auth_grants ADD COLUMN libraries TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 4,
    sql: `
      -- May talk through a camera's speaker (two-way talk, docs/audio.md); every grant made
      -- before talk existed: no.
      ALTER TABLE auth_grants ADD COLUMN can_talk INTEGER NOT NULL DEFAULT 0
        CHECK (can_talk IN (0, 1));
    `,
  },
];

/**
 * Brings the auth tables up to the last migration; each step commits with
 * its version or not at all. Returns the version afterwards.
 *
 * @throws {RangeError} when the database is newer than this eyrie.
 */
export function migrateAuth(db: DatabaseSync): number {
  return migrateArea(db, {
    table: "auth_schema",
    what: "The auth tables",
    migrations: AUTH_MIGRATIONS,
  });
}
