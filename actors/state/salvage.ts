/**
 * What can still be read of a corrupt state file, copied into a fresh one,
 * area by area (the recording index, events, auth: tables share a name
 * prefix, `recording_`, `events_`, `auth_`). An area moves whole, its
 * version table included, or not at all: half an area (users without their
 * grants, a schema version without its tables) would be worse than none.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";

/** What the salvage kept and lost, by area name ("auth", "events", "recording"). */
export interface SalvageReport {
  kept: string[];
  /** Areas that could not be read whole; null when not even the list of tables could be read, or it was empty. */
  lost: string[] | null;
}

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The area of a table: its name up to the first underscore. */
export function areaOf(table: string): string {
  const i = table.indexOf("_");
  return i < 0 ? table : table.slice(0, i);
}

/**
 * Rows per read. Reason: a page of rows at a time bounds memory (snapshots
 * are up to 1 MiB each) and, unlike `iterate()` — which under Deno 2.9.6
 * ends quietly at a damaged page instead of throwing — `all()` reports it.
 */
const ROWS_PER_READ = 256;

type Row = Record<string, SQLInputValue>;

function copyRows(
  from: DatabaseSync,
  table: SchemaRow,
  columns: string[],
  put: (row: Row) => void,
): void {
  const list = columns.map(quote).join(", ");
  if (/\bWITHOUT\s+ROWID\b/i.test(table.sql)) {
    for (const row of from.prepare(`SELECT ${list} FROM ${quote(table.name)}`).all()) put(row);
    return;
  }
  const page = from.prepare(
    `SELECT _rowid_ AS "__rowid", ${list} FROM ${quote(table.name)} ` +
      `WHERE _rowid_ > ? ORDER BY _rowid_ LIMIT ${ROWS_PER_READ}`,
  );
  for (let after: SQLInputValue = -Infinity;;) {
    const rows: Row[] = page.all(after);
    for (const row of rows) put(row);
    if (rows.length < ROWS_PER_READ) return;
    after = rows[rows.length - 1].__rowid;
  }
}

function copyArea(from: DatabaseSync, into: DatabaseSync, schema: SchemaRow[]): void {
  into.exec("BEGIN IMMEDIATE");
  try {
    for (const t of schema.filter((s) => s.type === "table")) {
      into.exec(t.sql);
      const columns = from.prepare(`PRAGMA table_info(${quote(t.name)})`).all()
        .map((c) => String(c.name));
      const insert = into.prepare(
        `INSERT INTO ${quote(t.name)} (${columns.map(quote).join(", ")}) VALUES (${
          columns.map(() => "?").join(", ")
        })`,
      );
      copyRows(from, t, columns, (row) => insert.run(...columns.map((c) => row[c])));
    }
    for (const i of schema.filter((s) => s.type === "index" && s.sql !== null)) into.exec(i.sql);
    into.exec("COMMIT");
  } catch (e) {
    into.exec("ROLLBACK");
    throw e;
  }
}

/**
 * Copies every area of the database at `from` that reads whole into `into`
 * (a fresh, empty database). Never throws for what it cannot read. A file
 * cut short usually saves nothing: SQLite reads the whole schema first, and
 * its pages are spread through the file.
 */
export function salvageAreas(from: string, into: DatabaseSync): SalvageReport {
  // Never made here: SQLite would create an empty database where none is.
  if (!existsSync(from)) return { kept: [], lost: null };
  let old: DatabaseSync;
  try {
    old = new DatabaseSync(from, { readOnly: true });
  } catch {
    // A read-only connection cannot make the -shm file a WAL needs; this copy is ours to open.
    try {
      old = new DatabaseSync(from);
    } catch {
      return { kept: [], lost: null };
    }
  }
  try {
    let schema: SchemaRow[];
    try {
      schema = old.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_master " +
          "WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY rowid",
      ).all() as unknown as SchemaRow[];
    } catch {
      return { kept: [], lost: null };
    }
    // eyrie always leaves tables: a file without any (emptied, cut) says nothing of what was lost.
    if (schema.length === 0) return { kept: [], lost: null };
    const areas = new Map<string, SchemaRow[]>();
    for (const s of schema) {
      const area = areaOf(s.tbl_name);
      areas.set(area, [...(areas.get(area) ?? []), s]);
    }
    const report: SalvageReport = { kept: [], lost: [] };
    for (const [area, rows] of areas) {
      try {
        copyArea(old, into, rows);
        report.kept.push(area);
      } catch {
        report.lost!.push(area);
      }
    }
    return report;
  } finally {
    old.close();
  }
}
