/**
 * Where the recording index lives: in eyrie's state file, recovered first
 * when it is corrupt (actors/state/recover.ts), or in memory when the file
 * cannot be opened at all. An index in memory is rebuilt from the
 * recordings dir by reconcile, like any index at start, so recording,
 * retention and the recordings API go on; only per-segment event marks do
 * not survive a restart. Health says which, for as long as it matters.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { Logger } from "../log/logger.ts";
import { lastRecovery, type Recovery } from "../state/recovery.ts";
import { recoverStateFile } from "../state/recover.ts";
import { stateFilePath } from "../state/state_file.ts";
import { RecordingIndex } from "./recording_index.ts";

/** The index, and what health should say about its file (checked on each call). */
export interface OpenedIndex {
  index: RecordingIndex;
  /** A sentence for /api/health, or null when all is well. */
  problem(): string | null;
}

function readLastRecovery(file: string): Recovery | null {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    return lastRecovery(db);
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

function describeRecovery(file: string, r: Recovery, dir: string): string {
  const lost = r.lost.includes("*") ? ["everything"] : r.lost;
  const users = r.lost.includes("*") || r.lost.includes("auth")
    ? "; users and permissions were lost: the console refuses every request until a user is " +
      "added (eyrie user add NAME --admin)"
    : "";
  return `The state file ${file} was corrupt (${r.reason}) and was moved to ${r.movedTo} on ` +
    `${new Date(r.atMs).toISOString()}; lost: ${lost.join(", ") || "nothing"}; ` +
    `the recording index was rebuilt from ${dir}${users}. ` +
    "Delete or move the corrupt copy to clear this";
}

/** Opens the index of `dataDir`'s state file, never failing for the file's sake. */
export function openIndex(
  options: { dataDir: string; recordingsDir: string; log: Logger },
): OpenedIndex {
  const { dataDir, recordingsDir, log } = options;
  const report = recoverStateFile(dataDir, { log });
  const file = report.file;
  let unreadable = report.kind === "unreadable" ? report.reason : null;
  if (unreadable === null) {
    try {
      const index = RecordingIndex.open(stateFilePath(dataDir));
      const recovery = readLastRecovery(file);
      return {
        index,
        // While the corrupt copy is kept beside it, so a person sees it at least once.
        problem: () =>
          recovery !== null && existsSync(recovery.movedTo)
            ? describeRecovery(file, recovery, recordingsDir)
            : null,
      };
    } catch (e) {
      unreadable = (e as Error).message;
      log.error("cannot open the recording index in the state file", { file, reason: unreadable });
    }
  }
  const reason = unreadable;
  return {
    index: RecordingIndex.open(":memory:"),
    problem: () =>
      `Cannot open the state file ${file} (${reason}): the recording index is in memory, ` +
      `rebuilt from ${recordingsDir} at each start; events are not stored and the console ` +
      "refuses requests until it can read users. Fix the file's owner or mode, or move it away",
  };
}
