/**
 * eyrie's one SQLite state file, `<data_dir>/eyrie.db` (the recording
 * index, events, users), and what is wrong with it, if anything: missing
 * (a first start), corrupt (SQLite cannot read it as a database: a cut
 * file, a damaged header or page, a file emptied by a power cut), or
 * unreadable (it may be fine, but this process cannot open it: permissions,
 * a directory in its place, an I/O error). Corrupt and unreadable are
 * handled differently (recover.ts): a corrupt file is moved aside, an
 * unreadable one is left alone for a person to fix.
 *
 * @module
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** The state file's name in the data dir. */
export const STATE_FILE = "eyrie.db";

/** The state file of `dataDir`. */
export function stateFilePath(dataDir: string): string {
  return join(dataDir, STATE_FILE);
}

/** SQLite's result codes for a file that is not (or no longer) a database. */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/** What is wrong with a state file. */
export type StateFileHealth =
  | { kind: "missing" }
  | { kind: "ok" }
  | { kind: "corrupt"; reason: string }
  | { kind: "unreadable"; reason: string };

function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/** Why the OS will not let this process read `file` (or null when it can). */
function openProblem(file: string): string | null {
  try {
    Deno.openSync(file, { read: true }).close();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Looks at `file`: opens it and runs SQLite's quick_check (every page of
 * every table and index read once; fast next to a day of recording). Never
 * throws, never changes the file.
 */
export function inspectStateFile(file: string): StateFileHealth {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { kind: "missing" };
    return { kind: "unreadable", reason: (e as Error).message };
  }
  if (info.isDirectory) return { kind: "unreadable", reason: "it is a directory, not a file" };
  if (!info.isFile && !info.isSymlink) return { kind: "unreadable", reason: "it is not a file" };
  const denied = openProblem(file);
  if (denied !== null) return { kind: "unreadable", reason: denied };
  // An empty file is a valid empty database to SQLite, and eyrie never leaves one (it writes
  // its tables at once): this one was cut short, by a power cut on ext4 for example. A WAL
  // beside it may still hold everything; then SQLite decides below.
  if (info.size === 0 && sizeOf(`${file}-wal`) === 0) {
    return { kind: "corrupt", reason: "the file is empty (0 bytes): it was cut short" };
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file);
    const rows = db.prepare("PRAGMA quick_check(5)").all();
    const found = rows.map((r) => String(Object.values(r)[0]));
    if (found.length === 1 && found[0] === "ok") return { kind: "ok" };
    return { kind: "corrupt", reason: `SQLite's check found damage: ${found.join("; ")}` };
  } catch (e) {
    const code = (e as { errcode?: number }).errcode;
    const message = (e as Error).message;
    if (code === SQLITE_NOTADB) {
      return { kind: "corrupt", reason: "it is not an SQLite database (its header is damaged)" };
    }
    if (code === SQLITE_CORRUPT) return { kind: "corrupt", reason: `SQLite says: ${message}` };
    return { kind: "unreadable", reason: message };
  } finally {
    try {
      db?.close();
    } catch { /* it never opened */ }
  }
}
