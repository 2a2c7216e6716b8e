/**
 * What eyrie does at start when its state file cannot be used, before
 * anything opens it:
 *
 * - **corrupt** (cut, a damaged header or page, emptied by a power cut):
 *   moved aside to `eyrie.db.corrupt-<time>` (with its -wal and -shm), a
 *   fresh file made, and every area that still reads whole copied into it
 *   (salvage.ts). The recording index is then brought in line with the
 *   recordings dir by reconcile, as at every start, so what was lost of it
 *   is rebuilt from the files. Events lost are lost (the copy keeps them
 *   for a person). Users lost keep the console closed until a user is added
 *   (recovery.ts, auth): never an open console where sign-in was required.
 * - **unreadable** (permissions, a directory in its place, an I/O error):
 *   left alone — it may be fine, and a person must fix the cause. The
 *   recording index runs in memory meanwhile (rebuilt from the recordings
 *   dir), the console refuses every request it cannot check, and health
 *   says why.
 *
 * Either way eyrie keeps running and recording, and the log (an error
 * naming the file and what was wrong) and health say what happened.
 *
 * @module
 */
import { resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Logger } from "../log/logger.ts";
import { recordRecovery } from "./recovery.ts";
import { salvageAreas } from "./salvage.ts";
import { inspectStateFile, stateFilePath } from "./state_file.ts";

/** What {@linkcode recoverStateFile} found and did. */
export type StateFileReport =
  | { kind: "ok"; file: string }
  | {
    kind: "recovered";
    file: string;
    reason: string;
    movedTo: string;
    kept: string[];
    /** ["*"]: not even the list of tables could be read. */
    lost: string[];
  }
  | { kind: "unreadable"; file: string; reason: string };

/** One look per file and process: every part of eyrie that opens the file asks, the first one acts. */
const seen = new Map<string, StateFileReport>();

function stamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, "-");
}

function moveIfThere(from: string, to: string): void {
  try {
    Deno.renameSync(from, to);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Checks `<dataDir>/eyrie.db` and recovers a corrupt one (see the module
 * doc). Call before opening the file; later calls in the same process
 * return the first one's report.
 */
export function recoverStateFile(
  dataDir: string,
  options: { log?: Logger; now?: () => Date } = {},
): StateFileReport {
  const file = resolve(stateFilePath(dataDir));
  const known = seen.get(file);
  if (known !== undefined) return known;
  const report = recover(file, options);
  seen.set(file, report);
  return report;
}

/** Forgets what {@linkcode recoverStateFile} saw (tests that corrupt a file again). */
export function forgetStateFiles(): void {
  seen.clear();
}

function recover(file: string, options: { log?: Logger; now?: () => Date }): StateFileReport {
  const { log } = options;
  const health = inspectStateFile(file);
  switch (health.kind) {
    case "missing":
    case "ok":
      return { kind: "ok", file };
    case "unreadable":
      log?.error("cannot open the state file; it is left as it is", {
        file,
        reason: health.reason,
        effect: "recording index in memory, rebuilt from the recordings dir; " +
          "events are not stored; the console refuses requests until users can be read",
      });
      return { kind: "unreadable", file, reason: health.reason };
    case "corrupt":
      break;
  }
  const at = (options.now ?? (() => new Date()))();
  const movedTo = `${file}.corrupt-${stamp(at)}`;
  try {
    Deno.renameSync(file, movedTo);
    moveIfThere(`${file}-wal`, `${movedTo}-wal`);
    moveIfThere(`${file}-shm`, `${movedTo}-shm`);
  } catch (e) {
    const reason = `${health.reason}; it cannot be moved aside: ${(e as Error).message}`;
    log?.error("the state file is corrupt and cannot be moved aside; it is left as it is", {
      file,
      reason,
    });
    return { kind: "unreadable", file, reason };
  }
  const fresh = new DatabaseSync(file);
  let kept: string[];
  let lost: string[];
  try {
    fresh.exec("PRAGMA journal_mode = WAL");
    const salvage = salvageAreas(movedTo, fresh);
    kept = salvage.kept;
    lost = salvage.lost ?? ["*"];
    recordRecovery(fresh, { atMs: at.getTime(), movedTo, reason: health.reason, kept, lost });
  } finally {
    fresh.close();
  }
  try {
    // It holds password hashes and the session key, like the file it replaces.
    Deno.chmodSync(file, 0o600);
  } catch { /* not the owner: leave the mode */ }
  log?.error("the state file was corrupt: moved aside, a fresh one made with what could be read", {
    file,
    reason: health.reason,
    moved_to: movedTo,
    kept: kept.join(",") || "nothing",
    lost: lost.join(",") || "nothing",
    recordings: "the index is rebuilt from the recordings dir",
    users: lost.includes("auth") || lost.includes("*")
      ? "lost: the console refuses every request until a user is added (eyrie user add)"
      : "kept",
  });
  return { kind: "recovered", file, reason: health.reason, movedTo, kept, lost };
}
