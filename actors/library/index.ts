/**
 * The library index: one row per file of every `[[library]]` folder, in
 * `<data_dir>/library.db` (SQLite, node:sqlite), read by the API instead of
 * the disk. A row is rewritten when its file's size or time changes and
 * removed when the file goes. Items that could not be read keep a row with
 * their `error`, so the console can say why a file is missing. Each
 * viewer's position in each item (resume, history) is kept beside them.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { Delivery } from "./media.ts";
import { Playlists } from "./playlists.ts";

/** One indexed file. */
export interface LibraryItem {
  id: number;
  library: string;
  /** Path under the library folder. */
  rel: string;
  /** The file name shown (the last part of rel). */
  name: string;
  size: number;
  mtime_ms: number;
  duration_s: number;
  width: number;
  height: number;
  fps: number;
  bitrate: number;
  codecs: string[];
  mime: string;
  delivery: Delivery;
  note: string;
  /** Why the file could not be read; "" when it could. */
  error: string;
  has_thumbnail: boolean;
  scanned_ms: number;
}

/** A row as written: everything but the id. */
export type ItemRow = Omit<LibraryItem, "id">;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS items (
  id INTEGER PRIMARY KEY,
  library TEXT NOT NULL,
  rel TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  duration_s REAL NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  fps REAL NOT NULL,
  bitrate INTEGER NOT NULL,
  codecs TEXT NOT NULL,
  mime TEXT NOT NULL,
  delivery TEXT NOT NULL,
  note TEXT NOT NULL,
  error TEXT NOT NULL,
  has_thumbnail INTEGER NOT NULL,
  scanned_ms INTEGER NOT NULL,
  thumbnail BLOB,
  UNIQUE (library, rel)
);
CREATE INDEX IF NOT EXISTS items_library ON items (library, name);
CREATE TABLE IF NOT EXISTS positions (
  subject TEXT NOT NULL,          -- "user:NAME", "cert:FINGERPRINT" or "local"
  item INTEGER NOT NULL,
  position_s REAL NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (subject, item)
);
CREATE INDEX IF NOT EXISTS positions_recent ON positions (subject, updated_ms);
`;

/** Most history rows answered. Reason: a page of recent watching, not an archive. */
export const MAX_HISTORY = 100;

/** Where someone stopped in an item, and when. */
export interface WatchPosition {
  item: number;
  position_s: number;
  updated_ms: number;
}

const COLUMNS =
  "id, library, rel, name, size, mtime_ms, duration_s, width, height, fps, bitrate, codecs, " +
  "mime, delivery, note, error, has_thumbnail, scanned_ms";

type Row = Record<string, string | number | bigint | null | Uint8Array>;

function toItem(r: Row): LibraryItem {
  return {
    id: Number(r.id),
    library: String(r.library),
    rel: String(r.rel),
    name: String(r.name),
    size: Number(r.size),
    mtime_ms: Number(r.mtime_ms),
    duration_s: Number(r.duration_s),
    width: Number(r.width),
    height: Number(r.height),
    fps: Number(r.fps),
    bitrate: Number(r.bitrate),
    codecs: String(r.codecs) === "" ? [] : String(r.codecs).split(","),
    mime: String(r.mime),
    delivery: String(r.delivery) as Delivery,
    note: String(r.note),
    error: String(r.error),
    has_thumbnail: Number(r.has_thumbnail) === 1,
    scanned_ms: Number(r.scanned_ms),
  };
}

/** The index file, open. */
export class LibraryIndex implements Disposable {
  readonly #db: DatabaseSync;
  /** Each viewer's playlists, in the same file. */
  readonly playlists: Playlists;
  readonly #upsert: StatementSync;
  readonly #byRel: StatementSync;

  constructor(file: string) {
    this.#db = new DatabaseSync(file);
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 2000;");
    this.#db.exec(SCHEMA);
    this.playlists = new Playlists(this.#db);
    this.#upsert = this.#db.prepare(
      `INSERT INTO items (library, rel, name, size, mtime_ms, duration_s, width, height, fps,
        bitrate, codecs, mime, delivery, note, error, has_thumbnail, scanned_ms, thumbnail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (library, rel) DO UPDATE SET name = excluded.name, size = excluded.size,
        mtime_ms = excluded.mtime_ms, duration_s = excluded.duration_s, width = excluded.width,
        height = excluded.height, fps = excluded.fps, bitrate = excluded.bitrate,
        codecs = excluded.codecs, mime = excluded.mime, delivery = excluded.delivery,
        note = excluded.note, error = excluded.error, has_thumbnail = excluded.has_thumbnail,
        scanned_ms = excluded.scanned_ms, thumbnail = excluded.thumbnail`,
    );
    this.#byRel = this.#db.prepare(
      "SELECT size, mtime_ms FROM items WHERE library = ? AND rel = ?",
    );
  }

  /** Whether the row for `rel` was made from a file of this size and time. */
  fresh(library: string, rel: string, size: number, mtimeMs: number): boolean {
    const r = this.#byRel.get(library, rel) as Row | undefined;
    return r !== undefined && Number(r.size) === size && Number(r.mtime_ms) === Math.round(mtimeMs);
  }

  /** Writes a file's row (and its thumbnail JPEG, or none). */
  put(row: ItemRow, thumbnail: Uint8Array | null): void {
    this.#upsert.run(
      row.library,
      row.rel,
      row.name,
      row.size,
      Math.round(row.mtime_ms),
      row.duration_s,
      row.width,
      row.height,
      row.fps,
      row.bitrate,
      row.codecs.join(","),
      row.mime,
      row.delivery,
      row.note,
      row.error,
      thumbnail === null ? 0 : 1,
      row.scanned_ms,
      thumbnail,
    );
  }

  /** Removes the rows of `library` whose files are not in `keep`; how many went. */
  prune(library: string, keep: ReadonlySet<string>): number {
    const rows = this.#db.prepare("SELECT id, rel FROM items WHERE library = ?").all(
      library,
    ) as Row[];
    const del = this.#db.prepare("DELETE FROM items WHERE id = ?");
    let n = 0;
    const forget = this.#db.prepare("DELETE FROM positions WHERE item = ?");
    for (const r of rows) {
      if (!keep.has(String(r.rel))) {
        del.run(r.id as number);
        forget.run(r.id as number);
        this.playlists.forgetItem(Number(r.id));
        n++;
      }
    }
    return n;
  }

  /** Removes every row of libraries not in `ids` (a library taken out of the config). */
  keepLibraries(ids: readonly string[]): void {
    const marks = ids.map(() => "?").join(",");
    this.#db.prepare(`DELETE FROM items WHERE library NOT IN (${marks || "''"})`).run(...ids);
  }

  /** Items of `library` (or every library), by name. */
  list(library: string | null): LibraryItem[] {
    const rows = library === null
      ? this.#db.prepare(`SELECT ${COLUMNS} FROM items ORDER BY library, name, id`).all()
      : this.#db.prepare(`SELECT ${COLUMNS} FROM items WHERE library = ? ORDER BY name, id`)
        .all(library);
    return (rows as Row[]).map(toItem);
  }

  get(id: number): LibraryItem | null {
    const r = this.#db.prepare(`SELECT ${COLUMNS} FROM items WHERE id = ?`).get(id) as
      | Row
      | undefined;
    return r === undefined ? null : toItem(r);
  }

  /** Keeps where `subject` stopped in `item`. */
  setPosition(subject: string, item: number, positionS: number, nowMs = Date.now()): void {
    this.#db.prepare(
      `INSERT INTO positions (subject, item, position_s, updated_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (subject, item) DO UPDATE SET position_s = excluded.position_s,
         updated_ms = excluded.updated_ms`,
    ).run(subject, item, positionS, nowMs);
  }

  /** Every position of `subject` by item. */
  positions(subject: string): Map<number, WatchPosition> {
    const rows = this.#db.prepare(
      "SELECT item, position_s, updated_ms FROM positions WHERE subject = ?",
    ).all(subject) as Row[];
    return new Map(rows.map((r) => [Number(r.item), {
      item: Number(r.item),
      position_s: Number(r.position_s),
      updated_ms: Number(r.updated_ms),
    }]));
  }

  /** What `subject` watched, the latest first (at most {@linkcode MAX_HISTORY}). */
  history(subject: string): WatchPosition[] {
    const rows = this.#db.prepare(
      `SELECT item, position_s, updated_ms FROM positions WHERE subject = ?
       ORDER BY updated_ms DESC LIMIT ${MAX_HISTORY}`,
    ).all(subject) as Row[];
    return rows.map((r) => ({
      item: Number(r.item),
      position_s: Number(r.position_s),
      updated_ms: Number(r.updated_ms),
    }));
  }

  thumbnail(id: number): Uint8Array | null {
    const r = this.#db.prepare("SELECT thumbnail FROM items WHERE id = ?").get(id) as
      | Row
      | undefined;
    return r?.thumbnail instanceof Uint8Array ? r.thumbnail : null;
  }

  [Symbol.dispose](): void {
    this.#db.close();
  }
}
