/**
 * Detection events in SQLite (node:sqlite): one row per event, its snapshot
 * JPEG beside it, and per-camera retention by count and by snapshot bytes
 * applied on every insert. The API and the console read this.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { DetectionEventType } from "../defs.ts";
import { migrateEvents } from "./schema.ts";
import type { EventBody, StoredEvent } from "./types.ts";

/** Most events one list page returns. Reason: the console shows tens; a bigger page only pins the database. */
export const MAX_PAGE_SIZE = 500;
/** Page size when a list names none. */
export const DEFAULT_PAGE_SIZE = 50;
/**
 * Largest snapshot stored. Reason: snapshots are of the detector's small
 * frame (tens of KB); a full-HD JPEG is under 1 MiB, so anything larger is a
 * fault, not a picture.
 */
export const MAX_SNAPSHOT_BYTES = 1 << 20;
/** Largest event body as JSON. Reason: bodies are a few numbers and names; an error message is cut long before this. */
export const MAX_EVENT_JSON = 16 << 10;
/** Milliseconds SQLite waits for a lock held by another connection (the recorder's) before failing. */
export const BUSY_TIMEOUT_MS = 5000;

/** How much of one camera's history to keep. */
export interface EventLimits {
  /** Most events; the oldest go first. */
  maxEvents: number;
  /** Most bytes of snapshots; the oldest snapshots go first (their events stay). */
  maxSnapshotBytes: number;
}

/** Which events to list. Times are UTC ms, inclusive. */
export interface EventQuery {
  camera?: string;
  /** Any of these types; all when absent or empty. */
  types?: readonly DetectionEventType[];
  fromMs?: number;
  toMs?: number;
  /** Only events with an id below this (the `next` of the previous page). */
  before?: number;
  /** Default {@linkcode DEFAULT_PAGE_SIZE}, at most {@linkcode MAX_PAGE_SIZE}. */
  limit?: number;
}

/** One page of events, newest first; `next` is the `before` of the following page, or null at the end. */
export interface EventPage {
  events: StoredEvent[];
  next: number | null;
}

type Row = Record<string, SQLInputValue>;

/** The event tables of one SQLite database. */
export class EventStore {
  readonly #db: DatabaseSync;
  readonly #owned: boolean;

  /** Uses an open database, migrating its event tables. The caller keeps ownership of `db`. */
  constructor(db: DatabaseSync, options: { owned?: boolean } = {}) {
    this.#db = db;
    this.#owned = options.owned ?? false;
    migrateEvents(db);
  }

  /** Opens (creating if needed) the database file at `file` in WAL mode. */
  static open(file: string): EventStore {
    const db = new DatabaseSync(file);
    try {
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      return new EventStore(db, { owned: true });
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * Stores an event of `camera` with its snapshot (or null), then trims the
   * camera's history to `limits`; all in one transaction. Returns the event
   * as stored.
   */
  insert(
    camera: string,
    body: EventBody,
    options: { snapshot: Uint8Array | null; limits: EventLimits },
  ): StoredEvent {
    const { snapshot, limits } = options;
    checkLimits(limits);
    if (!Number.isFinite(body.atMs)) {
      throw new RangeError(`Event time must be finite, got ${body.atMs}`);
    }
    const data = JSON.stringify(body);
    if (data.length > MAX_EVENT_JSON) {
      throw new RangeError(`An event of ${data.length} characters is over ${MAX_EVENT_JSON}`);
    }
    if (snapshot !== null && snapshot.length > MAX_SNAPSHOT_BYTES) {
      throw new RangeError(`A snapshot of ${snapshot.length} bytes is over ${MAX_SNAPSHOT_BYTES}`);
    }
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      const id = Number(
        db.prepare("INSERT INTO events_log (camera, type, at_ms, data) VALUES (?, ?, ?, ?)")
          .run(camera, body.type, Math.round(body.atMs), data).lastInsertRowid,
      );
      if (snapshot !== null) {
        db.prepare(
          "INSERT INTO events_snapshots (event_id, camera, bytes, jpeg) VALUES (?, ?, ?, ?)",
        )
          .run(id, camera, snapshot.length, snapshot);
      }
      this.#trim(camera, limits);
      db.exec("COMMIT");
      const kept = snapshot !== null && this.#hasSnapshot(id);
      return toStored(id, camera, body, kept);
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
  }

  /** A page of events, newest first. */
  list(query: EventQuery = {}): EventPage {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new RangeError(`Page size must be 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
    }
    const { where, params } = filter(query);
    if (query.before !== undefined) {
      where.push("l.id < ?");
      params.push(query.before);
    }
    const rows = this.#select(where, params, `ORDER BY l.id DESC LIMIT ${limit + 1}`);
    const more = rows.length > limit;
    const events = rows.slice(0, limit).map(fromRow);
    return { events, next: more ? events[events.length - 1].id : null };
  }

  /** Events with an id above `afterId`, oldest first, at most `limit` (an SSE client catching up). */
  since(afterId: number, query: EventQuery = {}): StoredEvent[] {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new RangeError(`Page size must be 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
    }
    const { where, params } = filter(query);
    where.push("l.id > ?");
    params.push(afterId);
    return this.#select(where, params, `ORDER BY l.id ASC LIMIT ${limit}`).map(fromRow);
  }

  /** One event, or null. */
  get(id: number): StoredEvent | null {
    const rows = this.#select(["l.id = ?"], [id], "");
    return rows.length === 0 ? null : fromRow(rows[0]);
  }

  /** The snapshot JPEG of event `id`, or null when it has none (never had, or trimmed). */
  snapshot(id: number): Uint8Array | null {
    const row = this.#db.prepare("SELECT jpeg FROM events_snapshots WHERE event_id = ?").get(id);
    const jpeg = row?.jpeg;
    return jpeg instanceof Uint8Array ? jpeg : null;
  }

  /** Events and snapshot bytes one camera holds. */
  usage(camera: string): { events: number; snapshots: number; snapshotBytes: number } {
    const db = this.#db;
    const e = db.prepare("SELECT count(*) AS n FROM events_log WHERE camera = ?").get(camera);
    const s = db.prepare(
      "SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM events_snapshots WHERE camera = ?",
    ).get(camera);
    return { events: Number(e?.n), snapshots: Number(s?.n), snapshotBytes: Number(s?.b) };
  }

  /** Closes the database if this store opened it. */
  close(): void {
    if (this.#owned && this.#db.isOpen) this.#db.close();
  }

  #select(where: string[], params: SQLInputValue[], tail: string): Row[] {
    const sql = "SELECT l.id, l.camera, l.data, s.event_id IS NOT NULL AS has_snapshot" +
      " FROM events_log l LEFT JOIN events_snapshots s ON s.event_id = l.id" +
      (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") + ` ${tail}`;
    return this.#db.prepare(sql).all(...params) as Row[];
  }

  #hasSnapshot(id: number): boolean {
    return this.#db.prepare("SELECT 1 AS y FROM events_snapshots WHERE event_id = ?").get(id) !==
      undefined;
  }

  // Keeps the newest `maxEvents` events and the newest snapshots that fit in
  // `maxSnapshotBytes`. Both use the (camera, id) indexes.
  #trim(camera: string, limits: EventLimits): void {
    const db = this.#db;
    const cut = db.prepare(
      "SELECT id FROM events_log WHERE camera = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
    ).get(camera, limits.maxEvents)?.id;
    if (typeof cut === "number") {
      db.prepare("DELETE FROM events_log WHERE camera = ? AND id <= ?").run(camera, cut);
      db.prepare("DELETE FROM events_snapshots WHERE camera = ? AND event_id <= ?").run(
        camera,
        cut,
      );
    }
    const over = db.prepare(
      "SELECT event_id FROM (SELECT event_id, sum(bytes) OVER (ORDER BY event_id DESC) AS total" +
        " FROM events_snapshots WHERE camera = ?) WHERE total > ? ORDER BY event_id DESC LIMIT 1",
    ).get(camera, limits.maxSnapshotBytes)?.event_id;
    if (typeof over === "number") {
      db.prepare("DELETE FROM events_snapshots WHERE camera = ? AND event_id <= ?").run(
        camera,
        over,
      );
    }
  }
}

function checkLimits(limits: EventLimits): void {
  if (!Number.isInteger(limits.maxEvents) || limits.maxEvents < 1) {
    throw new RangeError(`maxEvents must be an integer ≥ 1, got ${limits.maxEvents}`);
  }
  if (!Number.isFinite(limits.maxSnapshotBytes) || limits.maxSnapshotBytes < 0) {
    throw new RangeError(`maxSnapshotBytes must be ≥ 0, got ${limits.maxSnapshotBytes}`);
  }
}

function filter(query: EventQuery): { where: string[]; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.camera !== undefined) {
    where.push("l.camera = ?");
    params.push(query.camera);
  }
  if (query.types !== undefined && query.types.length > 0) {
    where.push(`l.type IN (${query.types.map(() => "?").join(", ")})`);
    params.push(...query.types);
  }
  if (query.fromMs !== undefined) {
    where.push("l.at_ms >= ?");
    params.push(query.fromMs);
  }
  if (query.toMs !== undefined) {
    where.push("l.at_ms <= ?");
    params.push(query.toMs);
  }
  return { where, params };
}

function toStored(id: number, camera: string, body: EventBody, snapshot: boolean): StoredEvent {
  return { ...body, id, camera, at: new Date(body.atMs).toISOString(), snapshot };
}

function fromRow(row: Row): StoredEvent {
  const body = JSON.parse(String(row.data)) as EventBody;
  return toStored(Number(row.id), String(row.camera), body, Number(row.has_snapshot) === 1);
}
