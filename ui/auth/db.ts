/**
 * Opens eyrie's state file, `<data_dir>/eyrie.db`, for the auth tables: WAL
 * (so `eyrie user` can write while `eyrie run` reads), a busy timeout for
 * the other connections to the same file, mode 0600 (it holds password
 * hashes and the session key), and the auth migrations.
 *
 * @module
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { migrateAuth } from "./schema.ts";

/** The state file's name in the data dir (shared with the recording index and others). */
export const STATE_FILE = "eyrie.db";
/** Milliseconds SQLite waits for a lock held by another connection before failing. */
export const BUSY_TIMEOUT_MS = 5000;

/** The state file of `dataDir`. */
export function stateFile(dataDir: string): string {
  return join(dataDir, STATE_FILE);
}

/**
 * `eyrie user` run as root on a service's data dir (owned by the service's
 * user) must not leave a state file only root can read: the file goes to the
 * dir's owner. SQLite, running as root, gives its -wal and -shm files to the
 * main file's owner itself.
 */
function giveToDirOwner(dataDir: string, file: string): void {
  if (Deno.uid() !== 0) return;
  try {
    const dir = Deno.statSync(dataDir);
    const own = Deno.statSync(file);
    if (dir.uid !== null && dir.uid !== 0 && own.uid === 0) {
      Deno.chownSync(file, dir.uid, dir.gid);
    }
  } catch {
    // A file system without owners: nothing to give.
  }
}

/** Opens (creating it and the data dir if needed) the state file with the auth tables migrated. */
export function openAuthDb(dataDir: string): DatabaseSync {
  Deno.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = stateFile(dataDir);
  const db = new DatabaseSync(file);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    try {
      // SQLite creates -wal and -shm with the main file's mode.
      if ((Deno.statSync(file).mode ?? 0) & 0o077) Deno.chmodSync(file, 0o600);
    } catch {
      // Not the owner (another user runs eyrie): leave the mode to them.
    }
    giveToDirOwner(dataDir, file);
    migrateAuth(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
