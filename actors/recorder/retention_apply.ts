/**
 * The thin adapter that carries out a retention decision: removes each
 * segment file (and its thumbnail), then its index row, and reports what
 * was freed and what could not be removed.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { resolveSegmentPath, thumbnailPath } from "./paths.ts";
import type { RecordingIndex, SegmentRecord } from "./recording_index.ts";
import type { RetentionDecision, RetentionSegment } from "./retention.ts";
import { decideRetention, type RetentionPolicy } from "./retention.ts";

/** What applying a decision did. */
export interface RetentionResult {
  /** Ids of the segments removed from disk (or already gone) and from the index. */
  deleted: number[];
  /** Bytes of the files removed (segments and thumbnails), as the index knew them. */
  bytesFreed: number;
  /** Segments whose file could not be removed; their rows stay. */
  failed: { id: number; path: string; reason: string }[];
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** Removes an emptied day folder; a folder that still holds files stays. */
async function removeEmptyFolder(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch {
    // Not empty, or already gone: either way nothing to do.
  }
}

/**
 * Removes one closed segment: its file, its thumbnail, then its row. A file
 * already gone counts as removed. Returns the bytes freed as the index knew
 * them, or throws (and keeps the row) when a file cannot be removed.
 *
 * @throws {RangeError} when the segment is still being written.
 */
export async function removeSegment(
  row: SegmentRecord,
  options: { dir: string; index: RecordingIndex },
): Promise<number> {
  if (row.endMs === null) throw new RangeError(`Segment ${row.id} is being written`);
  const file = resolveSegmentPath(options.dir, row.path);
  await removeIfThere(file);
  if (row.thumbnail !== null) {
    await removeIfThere(join(options.dir, ...thumbnailPath(row.path).split("/")));
  }
  options.index.deleteSegment(row.id);
  await removeEmptyFolder(dirname(file));
  return row.bytes + row.thumbnailBytes;
}

/**
 * Deletes the decided segments under `dir` and from `index`, oldest first.
 * A file that is already gone counts as deleted; one that cannot be removed
 * keeps its row and is reported.
 */
export async function applyRetention(
  decision: RetentionDecision,
  options: { dir: string; index: RecordingIndex },
): Promise<RetentionResult> {
  const out: RetentionResult = { deleted: [], bytesFreed: 0, failed: [] };
  for (const { segment } of decision.delete) {
    const row = options.index.get(segment.id);
    if (row === undefined) continue;
    try {
      out.bytesFreed += await removeSegment(row, options);
      out.deleted.push(row.id);
    } catch (e) {
      out.failed.push({ id: row.id, path: row.path, reason: (e as Error).message });
    }
  }
  return out;
}

/** The index's segments in the shape retention takes; rows without an end are open. */
export function retentionSegments(index: RecordingIndex): RetentionSegment[] {
  return index.oldest().map((r) => ({
    id: r.id,
    camera: r.camera,
    bytes: r.bytes + r.thumbnailBytes,
    startMs: r.startMs,
    endMs: r.endMs,
    open: r.endMs === null,
  }));
}

/** Decides and applies retention in one call: what a periodic timer runs. */
export async function enforceRetention(
  policy: RetentionPolicy,
  options: { dir: string; index: RecordingIndex; nowMs: number; freeBytes: number },
): Promise<RetentionResult & { stopRecording: boolean }> {
  const decision = decideRetention(retentionSegments(options.index), policy, options);
  return { ...(await applyRetention(decision, options)), stopRecording: decision.stopRecording };
}
