/**
 * Reconcile: make the index agree with the recordings dir at start-up. It is
 * the only code that scans the disk. Run it before any recorder opens a
 * segment: every segment the index still shows as open was cut by a stop or
 * a crash.
 *
 * @module
 */
import { join } from "node:path";
import { containerOf } from "./container.ts";
import { repairSegment } from "./segment_scan.ts";
import { parseSegmentPath, PARTIAL_SUFFIX, segmentStem, THUMBNAIL_EXTENSION } from "./paths.ts";
import type { RecordingIndex, SegmentRecord, SegmentStats } from "./recording_index.ts";

/**
 * Most directory entries reconcile walks. Reason: ten cameras keeping 14 days
 * of 60 s segments is ~200,000 files; past a million something else is in
 * the dir, and the walk stops (removing nothing from the index) rather than
 * running for hours.
 */
export const MAX_RECONCILE_ENTRIES = 1_000_000;

/** A file or folder reconcile did not take, and why. */
export interface ReconcileProblem {
  path: string;
  reason: string;
}

/** What reconcile changed. Paths are relative to the recordings dir. */
export interface ReconcileReport {
  /** Files on disk that the index lacked, now indexed. */
  added: string[];
  /** Index rows whose file is gone, now removed. */
  removed: string[];
  /** Segments cut by a crash, truncated after their last whole fragment. */
  repaired: { path: string; truncatedBytes: number }[];
  /** Segments whose size changed, or that were still open, measured again. */
  remeasured: string[];
  /** Files holding no sample at all, deleted. */
  discarded: string[];
  /** Segments whose thumbnail was found, lost, or changed size. */
  thumbnails: string[];
  /**
   * Thumbnails deleted because their segment is gone (a thumbnail never
   * outlives its segment), and half-written ones a crash left (`.jpg.part`).
   */
  orphans: string[];
  /** Entries left alone. */
  problems: ReconcileProblem[];
  /** False when the walk stopped early; then no row was removed. */
  walkedAll: boolean;
}

interface Walk {
  files: Map<string, number>;
  /** Thumbnail sizes by the stem (path without extension) they share with their segment. */
  thumbnails: Map<string, number>;
  /** Thumbnails left half-written by a crash. */
  partials: string[];
  problems: ReconcileProblem[];
  complete: boolean;
}

async function walk(dir: string): Promise<Walk> {
  const out: Walk = {
    files: new Map(),
    thumbnails: new Map(),
    partials: [],
    problems: [],
    complete: true,
  };
  let entries = 0;
  const visit = async (rel: string, depth: number): Promise<void> => {
    for await (const e of Deno.readDir(join(dir, rel))) {
      if (++entries > MAX_RECONCILE_ENTRIES) {
        out.complete = false;
        return;
      }
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isSymlink) {
        out.problems.push({ path, reason: "Symbolic link not followed" });
      } else if (e.isDirectory && depth < 2) {
        await visit(path, depth + 1);
        if (!out.complete) return;
      } else if (e.isFile && depth === 2 && containerOf(e.name) !== null) {
        try {
          parseSegmentPath(path);
          out.files.set(path, (await Deno.lstat(join(dir, path))).size);
        } catch (err) {
          out.problems.push({ path, reason: (err as Error).message });
        }
      } else if (e.isFile && depth === 2 && e.name.endsWith(THUMBNAIL_EXTENSION)) {
        const stem = path.slice(0, -THUMBNAIL_EXTENSION.length);
        out.thumbnails.set(stem, (await Deno.lstat(join(dir, path))).size);
      } else if (e.isFile && depth === 2 && e.name.endsWith(THUMBNAIL_EXTENSION + PARTIAL_SUFFIX)) {
        out.partials.push(path);
      } else {
        out.problems.push({ path, reason: "Not a segment file or folder" });
      }
    }
  };
  await visit("", 0);
  return out;
}

/**
 * Repairs and measures one file. "empty" when it holds no sample and nothing
 * else (0 bytes, or only its headers); null when it is left alone.
 */
async function measure(
  dir: string,
  path: string,
  report: ReconcileReport,
): Promise<SegmentStats | "empty" | null> {
  try {
    const { truncatedBytes, leftAlone, scan } = await repairSegment(join(dir, path));
    if (truncatedBytes > 0) report.repaired.push({ path, truncatedBytes });
    if (scan.fileBytes === 0 || (scan.frames === 0 && scan.damage === null)) return "empty";
    if (scan.frames === 0) {
      report.problems.push({ path, reason: leftAlone ?? `No playable frame (${scan.damage})` });
      return null;
    }
    if (leftAlone !== null) report.problems.push({ path, reason: leftAlone });
    const { startMs } = parseSegmentPath(path);
    return {
      endMs: startMs + scan.durationMs,
      bytes: scan.fileBytes,
      frames: scan.frames,
      keyframes: scan.keyframes,
      complete: scan.finalised && scan.damage === null,
      codec: scan.codec,
    };
  } catch (e) {
    if (!(e instanceof SyntaxError || e instanceof RangeError)) throw e;
    report.problems.push({ path, reason: e.message });
    return null;
  }
}

async function discard(dir: string, path: string, index: RecordingIndex, row?: SegmentRecord) {
  await Deno.remove(join(dir, path));
  if (row !== undefined) index.deleteSegment(row.id);
}

/** What {@linkcode sealSegment} did. */
export type SealOutcome = "closed" | "removed" | "left";

/**
 * Closes the row of a segment whose writer is gone (its recorder crashed
 * or was killed while eyrie keeps running): repairs and measures the file,
 * or drops the row when the file is gone or holds no frame. "left" when the
 * file cannot be read; its row stays open and reconcile looks again at the
 * next start.
 */
export async function sealSegment(
  dir: string,
  index: RecordingIndex,
  row: SegmentRecord,
): Promise<{ outcome: SealOutcome; problems: ReconcileProblem[] }> {
  const report: ReconcileReport = {
    added: [],
    removed: [],
    repaired: [],
    remeasured: [],
    discarded: [],
    thumbnails: [],
    orphans: [],
    problems: [],
    walkedAll: true,
  };
  try {
    await Deno.lstat(join(dir, row.path));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    index.deleteSegment(row.id);
    return { outcome: "removed", problems: [] };
  }
  const stats = await measure(dir, row.path, report);
  if (stats === null) return { outcome: "left", problems: report.problems };
  if (stats === "empty") {
    await discard(dir, row.path, index, row);
    return { outcome: "removed", problems: report.problems };
  }
  index.closeSegment(row.id, stats);
  return { outcome: "closed", problems: report.problems };
}

/** Records each indexed segment's thumbnail as it is on disk. */
function syncThumbnails(
  index: RecordingIndex,
  found: Walk,
  known: ReadonlyMap<string, SegmentRecord>,
  report: ReconcileReport,
): void {
  const discarded = new Set(report.discarded);
  for (const path of found.files.keys()) {
    if (discarded.has(path)) continue;
    // Rows added or re-measured above keep their thumbnail columns; only new ones need a lookup.
    const row = known.get(path) ?? index.getByPath(path);
    if (row === undefined) continue;
    const bytes = found.thumbnails.get(segmentStem(path)) ?? null;
    if ((bytes === null) === (row.thumbnail === null) && (bytes ?? 0) === row.thumbnailBytes) {
      continue;
    }
    index.setThumbnail(row.id, bytes);
    report.thumbnails.push(path);
  }
}

/**
 * Brings the index in line with the files under `dir`: indexes files it
 * lacks, drops rows whose file is gone, repairs and re-measures segments
 * that were open or changed size, and deletes segment files with no sample
 * in them. Symlinks are never followed. Files it cannot read are reported
 * and left as they are.
 */
export async function reconcile(dir: string, index: RecordingIndex): Promise<ReconcileReport> {
  const found = await walk(dir);
  const report: ReconcileReport = {
    added: [],
    removed: [],
    repaired: [],
    remeasured: [],
    discarded: [],
    thumbnails: [],
    orphans: [],
    problems: found.problems,
    walkedAll: found.complete,
  };
  const known = new Map(index.oldest().map((r) => [r.path, r]));
  const rows = new Map(known);
  for (const [path, bytes] of found.files) {
    const row = rows.get(path);
    rows.delete(path);
    if (row !== undefined && row.endMs !== null && row.bytes === bytes) continue;
    const stats = await measure(dir, path, report);
    if (stats === null) continue;
    if (stats === "empty") {
      await discard(dir, path, index, row);
      report.discarded.push(path);
    } else if (row === undefined) {
      index.addSegment(path, stats);
      report.added.push(path);
    } else {
      index.closeSegment(row.id, stats);
      report.remeasured.push(path);
    }
  }
  if (found.complete) {
    for (const row of rows.values()) {
      index.deleteSegment(row.id);
      report.removed.push(row.path);
    }
  }
  syncThumbnails(index, found, known, report);
  await removeOrphans(dir, found, report);
  return report;
}

/**
 * Deletes thumbnails whose segment file is not on disk (or was discarded
 * above), and half-written ones. Only after a complete walk: a segment the
 * walk did not reach may still be there.
 */
async function removeOrphans(dir: string, found: Walk, report: ReconcileReport): Promise<void> {
  if (!found.complete) return;
  // A stem can name a segment in any container; its thumbnail is kept while one of them is.
  const discarded = new Set(report.discarded);
  const kept = new Set([...found.files.keys()].filter((p) => !discarded.has(p)).map(segmentStem));
  const orphans = [...found.partials];
  for (const stem of found.thumbnails.keys()) {
    if (!kept.has(stem)) orphans.push(stem + THUMBNAIL_EXTENSION);
  }
  for (const path of orphans) {
    try {
      await Deno.remove(join(dir, path));
      report.orphans.push(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        report.problems.push({ path, reason: `Cannot delete: ${(e as Error).message}` });
      }
    }
  }
}
