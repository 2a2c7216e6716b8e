/**
 * Playlists: each viewer's named, ordered lists of library items, in
 * `library.db` beside the index. An item that leaves the library leaves
 * every playlist (the index's prune calls {@linkcode Playlists.forgetItem}).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** Most playlists per viewer. Reason: a person's lists, not a database; bounds the table. */
export const MAX_PLAYLISTS = 200;

/** Most items in one playlist. Reason: a long season or a party's evening, with room. */
export const MAX_PLAYLIST_ITEMS = 1000;

/** Longest playlist name. */
export const MAX_PLAYLIST_NAME = 100;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS playlists (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,
  name TEXT NOT NULL,
  items TEXT NOT NULL,            -- JSON array of item ids, in play order
  updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS playlists_subject ON playlists (subject, id);
`;

/** One playlist. */
export interface Playlist {
  id: number;
  name: string;
  items: number[];
  updated_ms: number;
}

type Row = Record<string, string | number | bigint | null | Uint8Array>;

function toPlaylist(r: Row): Playlist {
  let items: number[] = [];
  try {
    const list = JSON.parse(String(r.items));
    if (Array.isArray(list)) items = list.filter((x) => Number.isSafeInteger(x));
  } catch { /* a damaged row is an empty list */ }
  return { id: Number(r.id), name: String(r.name), items, updated_ms: Number(r.updated_ms) };
}

/** Checks a name; throws a TypeError naming what is wrong. */
export function checkPlaylistName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError("name must be a non-empty string");
  }
  if (name.length > MAX_PLAYLIST_NAME) {
    throw new TypeError(`name must be at most ${MAX_PLAYLIST_NAME} characters`);
  }
  return name.trim();
}

/** Checks an item list (ids, no repeats, bounded); throws a TypeError or RangeError. */
export function checkPlaylistItems(items: unknown): number[] {
  if (!Array.isArray(items)) throw new TypeError("items must be a list of item ids");
  if (items.length > MAX_PLAYLIST_ITEMS) {
    throw new RangeError(
      `A playlist holds at most ${MAX_PLAYLIST_ITEMS} items, got ${items.length}`,
    );
  }
  for (const x of items) {
    if (!Number.isSafeInteger(x) || x <= 0) {
      throw new TypeError(`${JSON.stringify(x)} is not an item id`);
    }
  }
  return items as number[];
}

/** The playlists of every viewer. */
export class Playlists {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#db.exec(SCHEMA);
  }

  list(subject: string): Playlist[] {
    return (this.#db.prepare("SELECT * FROM playlists WHERE subject = ? ORDER BY id").all(
      subject,
    ) as Row[])
      .map(toPlaylist);
  }

  get(subject: string, id: number): Playlist | null {
    const r = this.#db.prepare("SELECT * FROM playlists WHERE subject = ? AND id = ?").get(
      subject,
      id,
    ) as
      | Row
      | undefined;
    return r === undefined ? null : toPlaylist(r);
  }

  /** Makes a playlist; throws a RangeError past {@linkcode MAX_PLAYLISTS}. */
  create(subject: string, name: string, items: number[], nowMs = Date.now()): Playlist {
    const count = Number(
      (this.#db.prepare("SELECT count(*) AS n FROM playlists WHERE subject = ?").get(
        subject,
      ) as Row).n,
    );
    if (count >= MAX_PLAYLISTS) throw new RangeError(`At most ${MAX_PLAYLISTS} playlists each`);
    const r = this.#db.prepare(
      "INSERT INTO playlists (subject, name, items, updated_ms) VALUES (?, ?, ?, ?)",
    ).run(subject, name, JSON.stringify(items), nowMs);
    return { id: Number(r.lastInsertRowid), name, items, updated_ms: nowMs };
  }

  /** Renames and/or reorders; null when `subject` has no such playlist. */
  update(
    subject: string,
    id: number,
    change: { name?: string; items?: number[] },
    nowMs = Date.now(),
  ): Playlist | null {
    const p = this.get(subject, id);
    if (p === null) return null;
    const next = { ...p, ...change, updated_ms: nowMs };
    this.#db.prepare("UPDATE playlists SET name = ?, items = ?, updated_ms = ? WHERE id = ?")
      .run(next.name, JSON.stringify(next.items), nowMs, id);
    return next;
  }

  remove(subject: string, id: number): boolean {
    return Number(
      this.#db.prepare("DELETE FROM playlists WHERE subject = ? AND id = ?").run(subject, id)
        .changes,
    ) > 0;
  }

  /** Takes `item` out of every playlist (it left the library). */
  forgetItem(item: number): void {
    const rows = this.#db.prepare("SELECT * FROM playlists WHERE items LIKE ?").all(
      `%${item}%`,
    ) as Row[];
    for (const r of rows) {
      const p = toPlaylist(r);
      if (!p.items.includes(item)) continue;
      this.#db.prepare("UPDATE playlists SET items = ? WHERE id = ?")
        .run(JSON.stringify(p.items.filter((x) => x !== item)), p.id);
    }
  }
}
