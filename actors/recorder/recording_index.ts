/**
 * The recording index: one row per segment file and the events recorded in
 * it, in SQLite through node:sqlite. The console and the API read this, never
 * the disk; {@linkcode reconcile} is the only code that scans the disk.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import {
  type CameraEvent,
  checkCount,
  checkStats,
  type ListOptions,
  num,
  parseCursor,
  type SegmentEvent,
  type SegmentPage,
  type SegmentRecord,
  type SegmentStats,
  toRecord,
} from "./_index_rows.ts";
import { migrate } from "./index_schema.ts";
import { checkCameraId, parseSegmentPath, thumbnailPath } from "./paths.ts";
import type { Codec } from "../defs.ts";

/**
 * Most segments one {@linkcode RecordingIndex.list} page returns. Reason: a
 * day of 60 s segments is 1440 rows; pages beyond 1000 rows are slow to
 * render and let one request pin the database.
 */
export const MAX_PAGE_SIZE = 1000;

/** Page size when a list call names none. */
export const DEFAULT_PAGE_SIZE = 100;

/** Longest event kind. Reason: kinds are short labels ("motion", "person"). */
export const MAX_EVENT_KIND_LENGTH = 64;

/** Milliseconds SQLite waits for a lock held by another connection before failing. */
export const BUSY_TIMEOUT_MS = 5000;

export type { CameraEvent, ListOptions, SegmentEvent, SegmentPage, SegmentRecord, SegmentStats };

/** The segment and event tables of one SQLite database. */
export class RecordingIndex {
  #db: DatabaseSync;
  #owned: boolean;

  /**
   * Uses an open database (for example eyrie's state file), migrating its
   * recording tables. The caller keeps ownership of `db`.
   */
  constructor(db: DatabaseSync, options: { owned?: boolean } = {}) {
    this.#db = db;
    this.#owned = options.owned ?? false;
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db);
  }

  /** Opens (creating if needed) the database file at `file` in WAL mode. */
  static open(file: string): RecordingIndex {
    const db = new DatabaseSync(file);
    try {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return new RecordingIndex(db, { owned: true });
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Runs `fn` in one transaction: all of its writes commit, or none. */
  transaction<T>(fn: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      this.#db.exec("COMMIT");
      return out;
    } catch (e) {
      this.#db.exec("ROLLBACK");
      throw e;
    }
  }

  /** Records a segment that has just been opened for writing. Camera and start come from its path. */
  openSegment(path: string, codec: Codec = "h264"): SegmentRecord {
    const { camera, startMs } = parseSegmentPath(path);
    const row = this.#db.prepare(
      "INSERT INTO recording_segments (camera, path, start_ms, codec) VALUES (?, ?, ?, ?) RETURNING *",
    ).get(camera, path, startMs, codec);
    return toRecord(row!);
  }

  /** Records a closed segment in one step (a file found on disk by reconcile). */
  addSegment(path: string, stats: SegmentStats): SegmentRecord {
    const { camera, startMs } = parseSegmentPath(path);
    checkStats(stats);
    const row = this.#db.prepare(
      `INSERT INTO recording_segments
         (camera, path, start_ms, end_ms, bytes, frames, keyframes, complete, codec)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      camera,
      path,
      startMs,
      stats.endMs,
      stats.bytes,
      stats.frames,
      stats.keyframes,
      stats.complete ? 1 : 0,
      stats.codec === undefined ? "h264" : stats.codec,
    );
    return toRecord(row!);
  }

  /**
   * Records what a segment holds once it is closed, or re-measured.
   *
   * @throws {RangeError} when no segment has this id.
   */
  closeSegment(id: number, stats: SegmentStats): SegmentRecord {
    checkStats(stats);
    const row = this.#db.prepare(
      `UPDATE recording_segments SET end_ms = ?, bytes = ?, frames = ?, keyframes = ?, complete = ?,
         codec = CASE WHEN ? THEN ? ELSE codec END
       WHERE id = ? RETURNING *`,
    ).get(
      stats.endMs,
      stats.bytes,
      stats.frames,
      stats.keyframes,
      stats.complete ? 1 : 0,
      stats.codec === undefined ? 0 : 1,
      stats.codec ?? null,
      id,
    );
    if (row === undefined) throw new RangeError(`No segment has id ${id}`);
    return toRecord(row);
  }

  /**
   * Records that a segment has a thumbnail of `bytes` bytes (at
   * {@linkcode thumbnailPath} of its path), or, with null, no longer has one.
   *
   * @throws {RangeError} when no segment has this id.
   */
  setThumbnail(id: number, bytes: number | null): SegmentRecord {
    const seg = this.get(id);
    if (seg === undefined) throw new RangeError(`No segment has id ${id}`);
    if (bytes !== null) checkCount(bytes, "Thumbnail size");
    const row = this.#db.prepare(
      "UPDATE recording_segments SET thumbnail = ?, thumbnail_bytes = ? WHERE id = ? RETURNING *",
    ).get(bytes === null ? null : thumbnailPath(seg.path), bytes ?? 0, id);
    return toRecord(row!);
  }

  /** Removes a segment and its events. Returns false when no segment had this id. */
  deleteSegment(id: number): boolean {
    return this.#db.prepare("DELETE FROM recording_segments WHERE id = ?").run(id).changes === 1;
  }

  /** The segment with this id, or undefined. */
  get(id: number): SegmentRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM recording_segments WHERE id = ?").get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The segment stored at this relative path, or undefined. */
  getByPath(path: string): SegmentRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM recording_segments WHERE path = ?").get(path);
    return row === undefined ? undefined : toRecord(row);
  }

  /**
   * Segments that overlap [fromMs, toMs), optionally of one camera, ordered
   * by start then id (a stable order), one page at a time. A segment being
   * written counts as reaching to the end of time.
   */
  list(options: ListOptions = {}): SegmentPage {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new RangeError(`Page size ${limit} must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    const desc = options.order === "desc";
    const where: string[] = [];
    const params: Record<string, SQLInputValue> = { limit: limit + 1 };
    if (options.camera !== undefined) {
      where.push("camera = :camera");
      params.camera = checkCameraId(options.camera);
    }
    if (options.toMs !== undefined) {
      where.push("start_ms < :to");
      params.to = checkCount(options.toMs, "Range end");
    }
    if (options.fromMs !== undefined) {
      where.push("(end_ms IS NULL OR end_ms > :from)");
      params.from = checkCount(options.fromMs, "Range start");
    }
    if (options.cursor !== undefined && options.cursor !== null) {
      [params.cs, params.ci] = parseCursor(options.cursor);
      where.push(desc ? "(start_ms, id) < (:cs, :ci)" : "(start_ms, id) > (:cs, :ci)");
    }
    const dir = desc ? "DESC" : "ASC";
    const rows = this.#db.prepare(
      `SELECT * FROM recording_segments ${where.length ? "WHERE " + where.join(" AND ") : ""}
       ORDER BY start_ms ${dir}, id ${dir} LIMIT :limit`,
    ).all(params);
    const segments = rows.slice(0, limit).map(toRecord);
    const last = segments.at(-1);
    const next = rows.length > limit && last ? `${last.startMs}.${last.id}` : null;
    return { segments, next };
  }

  /** Every segment (of one camera, if named), oldest first: what retention and reconcile walk. */
  oldest(options: { camera?: string; limit?: number } = {}): SegmentRecord[] {
    const limit = options.limit ?? -1;
    const rows = options.camera === undefined
      ? this.#db.prepare("SELECT * FROM recording_segments ORDER BY start_ms, id LIMIT ?").all(
        limit,
      )
      : this.#db.prepare(
        "SELECT * FROM recording_segments WHERE camera = ? ORDER BY start_ms, id LIMIT ?",
      ).all(checkCameraId(options.camera), limit);
    return rows.map(toRecord);
  }

  /** Segments still open (being written, or cut by a crash), of one camera if named. */
  openSegments(camera?: string): SegmentRecord[] {
    const rows = camera === undefined
      ? this.#db.prepare("SELECT * FROM recording_segments WHERE end_ms IS NULL ORDER BY id").all()
      : this.#db.prepare(
        "SELECT * FROM recording_segments WHERE end_ms IS NULL AND camera = ? ORDER BY id",
      ).all(checkCameraId(camera));
    return rows.map(toRecord);
  }

  /** Bytes on disk per camera (segments and thumbnails), as the index knows them. */
  bytesByCamera(): Map<string, number> {
    const rows = this.#db.prepare(
      `SELECT camera, sum(bytes + thumbnail_bytes) AS bytes FROM recording_segments
       GROUP BY camera ORDER BY camera`,
    ).all();
    return new Map(rows.map((r) => [String(r.camera), num(r, "bytes")]));
  }

  /** Bytes on disk of all cameras together (segments and thumbnails). */
  totalBytes(): number {
    const row = this.#db.prepare(
      "SELECT coalesce(sum(bytes + thumbnail_bytes), 0) AS bytes FROM recording_segments",
    ).get();
    return num(row!, "bytes");
  }

  /** Attaches an event to a segment. */
  addEvent(segmentId: number, event: { kind: string; atMs: number }): SegmentEvent {
    if (event.kind.length === 0 || event.kind.length > MAX_EVENT_KIND_LENGTH) {
      throw new RangeError(
        `Event kind ${
          JSON.stringify(event.kind.slice(0, MAX_EVENT_KIND_LENGTH))
        } must be 1 to ${MAX_EVENT_KIND_LENGTH} characters`,
      );
    }
    checkCount(event.atMs, "Event time");
    if (this.get(segmentId) === undefined) throw new RangeError(`No segment has id ${segmentId}`);
    const row = this.#db.prepare(
      "INSERT INTO recording_events (segment_id, kind, at_ms) VALUES (?, ?, ?) RETURNING *",
    ).get(segmentId, event.kind, event.atMs);
    return { id: num(row!, "id"), segmentId, kind: event.kind, atMs: event.atMs };
  }

  /** The events of a segment, in time order. */
  events(segmentId: number): SegmentEvent[] {
    return this.#db.prepare(
      "SELECT * FROM recording_events WHERE segment_id = ? ORDER BY at_ms, id",
    ).all(segmentId).map((r) => ({
      id: num(r, "id"),
      segmentId,
      kind: String(r.kind),
      atMs: num(r, "at_ms"),
    }));
  }

  /**
   * Events in [fromMs, toMs), optionally of one camera, in time order; at
   * most `limit` ({@linkcode MAX_PAGE_SIZE} by default and at most).
   */
  eventsBetween(
    options: { camera?: string; fromMs: number; toMs: number; limit?: number },
  ): CameraEvent[] {
    const limit = options.limit ?? MAX_PAGE_SIZE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new RangeError(`Event limit ${limit} must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    const params: Record<string, SQLInputValue> = {
      from: checkCount(options.fromMs, "Range start"),
      to: checkCount(options.toMs, "Range end"),
      limit,
    };
    let camera = "";
    if (options.camera !== undefined) {
      camera = "AND s.camera = :camera";
      params.camera = checkCameraId(options.camera);
    }
    return this.#db.prepare(
      `SELECT e.id, e.segment_id, e.kind, e.at_ms, s.camera FROM recording_events e
       JOIN recording_segments s ON s.id = e.segment_id
       WHERE e.at_ms >= :from AND e.at_ms < :to ${camera}
       ORDER BY e.at_ms, e.id LIMIT :limit`,
    ).all(params).map((r) => ({
      id: num(r, "id"),
      segmentId: num(r, "segment_id"),
      kind: String(r.kind),
      atMs: num(r, "at_ms"),
      camera: String(r.camera),
    }));
  }

  /** Closes the database if this index opened it. */
  close(): void {
    if (this.#owned) this.#db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
