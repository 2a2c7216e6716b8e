import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrateArea, schemaVersion } from "../../../actors/state/migrate.ts";

const A = [
  { version: 1, sql: "CREATE TABLE a_items (id INTEGER PRIMARY KEY)" },
  { version: 2, sql: "ALTER TABLE a_items ADD COLUMN name TEXT" },
];

Deno.test("migrateArea() applies each step once and two areas share one file", () => {
  const db = new DatabaseSync(":memory:");
  assert.equal(migrateArea(db, { table: "a_schema", what: "Area A", migrations: A }), 2);
  assert.equal(
    migrateArea(db, { table: "a_schema", what: "Area A", migrations: A }),
    2,
    "idempotent",
  );
  const b = [{ version: 1, sql: "CREATE TABLE b_items (id INTEGER)" }];
  assert.equal(migrateArea(db, { table: "b_schema", what: "Area B", migrations: b }), 1);
  assert.deepEqual([schemaVersion(db, "a_schema"), schemaVersion(db, "b_schema")], [2, 1]);
  db.prepare("INSERT INTO a_items (id, name) VALUES (1, 'x')").run();
  db.close();
});

Deno.test("a failing step rolls back whole and leaves the version where it was", () => {
  const db = new DatabaseSync(":memory:");
  const bad = [...A, { version: 3, sql: "CREATE TABLE c (x); SELECT * FROM no_such_table" }];
  assert.throws(
    () => migrateArea(db, { table: "a_schema", what: "Area A", migrations: bad }),
    /no such table/,
  );
  assert.equal(schemaVersion(db, "a_schema"), 2);
  assert.throws(() => db.prepare("SELECT * FROM c").all(), /no such table: c/);
  db.close();
});

Deno.test("a file newer than this eyrie, or misnumbered steps, are refused with the reason", () => {
  const db = new DatabaseSync(":memory:");
  migrateArea(db, { table: "a_schema", what: "Area A", migrations: A });
  assert.throws(
    () => migrateArea(db, { table: "a_schema", what: "Area A", migrations: A.slice(0, 1) }),
    /Area A is at version 2, newer than this eyrie knows \(1\)/,
  );
  assert.throws(
    () => migrateArea(db, { table: "a_schema", what: "Area A", migrations: [A[1]] }),
    /Migration 1 is numbered 2; they must count up from 1/,
  );
  assert.throws(() => schemaVersion(db, "a; DROP TABLE a_items"), /Bad version table name/);
  db.close();
});
