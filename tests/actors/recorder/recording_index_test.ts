import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  migrate,
  type Migration,
  MIGRATIONS,
  RecordingIndex,
  segmentPath,
} from "../../../actors/recorder/mod.ts";

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0, 0);
const MIN = 60_000;

async function withIndex(fn: (index: RecordingIndex, file: string) => void | Promise<void>) {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "eyrie.sqlite");
  const index = RecordingIndex.open(file);
  try {
    await fn(index, file);
  } finally {
    index.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function closed(index: RecordingIndex, camera: string, startMs: number, bytes = 1000) {
  return index.addSegment(segmentPath(camera, startMs), {
    endMs: startMs + MIN,
    bytes,
    frames: 1800,
    keyframes: 60,
    complete: true,
  });
}

Deno.test("RecordingIndex opens a segment, closes it, and reads it back by id and by path", async () => {
  await withIndex((index) => {
    const path = segmentPath("front", T0);
    const open = index.openSegment(path);
    assert.deepEqual(open, {
      id: open.id,
      camera: "front",
      path,
      startMs: T0,
      endMs: null,
      bytes: 0,
      frames: 0,
      keyframes: 0,
      complete: false,
      thumbnail: null,
      thumbnailBytes: 0,
      codec: "h264",
    });
    const stats = {
      endMs: T0 + MIN,
      bytes: 4_000_000,
      frames: 1800,
      keyframes: 60,
      complete: true,
    };
    const done = index.closeSegment(open.id, stats);
    assert.deepEqual(done, { ...open, ...stats });
    assert.deepEqual(index.get(open.id), done);
    assert.deepEqual(index.getByPath(path), done);
    assert.equal(index.get(open.id + 1), undefined);
    assert.throws(() => index.closeSegment(999, stats), { name: "RangeError", message: /999/ });
    assert.throws(() => index.closeSegment(open.id, { ...stats, bytes: -1 }), RangeError);
  });
});

Deno.test("RecordingIndex refuses a path that is not a segment path, and a second row for one file", async () => {
  await withIndex((index) => {
    assert.throws(() => index.openSegment("../../etc/passwd"), TypeError);
    index.openSegment(segmentPath("front", T0));
    assert.throws(() => index.openSegment(segmentPath("front", T0)), /UNIQUE/);
  });
});

Deno.test("RecordingIndex records a thumbnail beside its segment and counts its bytes", async () => {
  await withIndex((index) => {
    const seg = closed(index, "front", T0, 1000);
    const withThumb = index.setThumbnail(seg.id, 300);
    assert.equal(withThumb.thumbnail, seg.path.replace(".mp4", ".jpg"));
    assert.equal(withThumb.thumbnailBytes, 300);
    assert.equal(index.totalBytes(), 1300);
    assert.deepEqual(index.bytesByCamera(), new Map([["front", 1300]]));
    const without = index.setThumbnail(seg.id, null);
    assert.equal(without.thumbnail, null);
    assert.equal(without.thumbnailBytes, 0);
    assert.equal(index.totalBytes(), 1000);
    assert.throws(() => index.setThumbnail(12345, 300), RangeError);
    assert.throws(() => index.setThumbnail(seg.id, -1), RangeError);
  });
});

Deno.test("RecordingIndex lists the events of a time range with their camera", async () => {
  await withIndex((index) => {
    const a = closed(index, "front", T0);
    const b = closed(index, "back", T0);
    index.addEvent(a.id, { kind: "motion", atMs: T0 + 1000 });
    index.addEvent(b.id, { kind: "person", atMs: T0 + 2000 });
    index.addEvent(a.id, { kind: "motion", atMs: T0 + 3000 });
    const all = index.eventsBetween({ fromMs: T0, toMs: T0 + MIN });
    assert.deepEqual(all.map((e) => [e.camera, e.kind, e.atMs]), [
      ["front", "motion", T0 + 1000],
      ["back", "person", T0 + 2000],
      ["front", "motion", T0 + 3000],
    ]);
    const front = index.eventsBetween({ camera: "front", fromMs: T0 + 1001, toMs: T0 + MIN });
    assert.deepEqual(front.map((e) => e.atMs), [T0 + 3000]);
    assert.equal(index.eventsBetween({ fromMs: T0, toMs: T0 + MIN, limit: 1 }).length, 1);
    assert.throws(() => index.eventsBetween({ fromMs: T0, toMs: T0, limit: 0 }), RangeError);
  });
});

function listAll(index: RecordingIndex, options: { camera?: string; order?: "asc" | "desc" }) {
  const all = [];
  let cursor: string | null = null;
  do {
    const page = index.list({ ...options, limit: 2, cursor });
    assert.ok(page.segments.length <= 2);
    all.push(...page.segments);
    cursor = page.next;
  } while (cursor !== null);
  return all.map((s) => s.id);
}

Deno.test("RecordingIndex lists by camera and time range in pages with a stable order", async () => {
  await withIndex((index) => {
    const front = [0, 1, 2, 3, 4].map((i) => closed(index, "front", T0 + i * MIN));
    // Starts with front[2]: the id breaks the tie, in both directions.
    const back = closed(index, "back", T0 + 2 * MIN);
    const open = index.openSegment(segmentPath("front", T0 + 10 * MIN));
    const ids = front.map((s) => s.id);

    assert.deepEqual(listAll(index, { camera: "front" }), [...ids, open.id]);
    assert.deepEqual(listAll(index, {}), [
      ids[0],
      ids[1],
      ids[2],
      back.id,
      ids[3],
      ids[4],
      open.id,
    ]);
    assert.deepEqual(
      listAll(index, { order: "desc" }),
      [open.id, ids[4], ids[3], back.id, ids[2], ids[1], ids[0]],
    );

    // [T0+2.5min, T0+4min) overlaps the segments starting at 2 (ends at 3) and 3, not 4.
    const range = index.list({ camera: "front", fromMs: T0 + 2.5 * MIN, toMs: T0 + 4 * MIN });
    assert.deepEqual(range.segments.map((s) => s.id), [ids[2], ids[3]]);
    assert.equal(range.next, null);
    // An open segment reaches to the end of time.
    const late = index.list({ fromMs: T0 + 100 * MIN });
    assert.deepEqual(late.segments.map((s) => s.id), [open.id]);
  });
});

Deno.test("RecordingIndex.list() refuses bad page sizes, cursors and camera ids", async () => {
  await withIndex((index) => {
    assert.throws(() => index.list({ limit: 0 }), RangeError);
    assert.throws(() => index.list({ limit: 1001 }), { name: "RangeError", message: /1001/ });
    assert.throws(() => index.list({ cursor: "1.2; DROP TABLE" }), {
      name: "SyntaxError",
      message: /DROP/,
    });
    assert.throws(() => index.list({ camera: "x' OR 1=1 --" }), TypeError);
    assert.throws(() => index.list({ fromMs: NaN }), {
      name: "RangeError",
      message: /Range start NaN/,
    });
    assert.throws(() => index.list({ toMs: -1 }), RangeError);
  });
});

Deno.test("RecordingIndex totals bytes per camera and overall, and lists oldest first", async () => {
  await withIndex((index) => {
    assert.equal(index.totalBytes(), 0);
    const a = closed(index, "front", T0 + 2 * MIN, 100);
    const b = closed(index, "back", T0 + MIN, 20);
    const c = closed(index, "front", T0, 3);
    assert.deepEqual(index.bytesByCamera(), new Map([["back", 20], ["front", 103]]));
    assert.equal(index.totalBytes(), 123);
    assert.deepEqual(index.oldest().map((s) => s.id), [c.id, b.id, a.id]);
    assert.deepEqual(index.oldest({ limit: 1 }).map((s) => s.id), [c.id]);
    assert.deepEqual(index.oldest({ camera: "front" }).map((s) => s.id), [c.id, a.id]);
  });
});

Deno.test("RecordingIndex keeps events with their segment and drops them with it", async () => {
  await withIndex((index) => {
    const seg = closed(index, "front", T0);
    const later = index.addEvent(seg.id, { kind: "person", atMs: T0 + 5000 });
    const first = index.addEvent(seg.id, { kind: "motion", atMs: T0 + 1000 });
    assert.deepEqual(index.events(seg.id), [first, later]);
    assert.throws(() => index.addEvent(seg.id + 1, { kind: "motion", atMs: T0 }), RangeError);
    assert.throws(() => index.addEvent(seg.id, { kind: "", atMs: T0 }), RangeError);
    assert.throws(() => index.addEvent(seg.id, { kind: "x".repeat(65), atMs: T0 }), RangeError);
    assert.equal(index.deleteSegment(seg.id), true);
    assert.equal(index.deleteSegment(seg.id), false);
    assert.deepEqual(index.events(seg.id), []);
  });
});

Deno.test("RecordingIndex runs in WAL mode and keeps its rows across a reopen", async () => {
  await withIndex((index, file) => {
    const seg = closed(index, "front", T0);
    const db = new DatabaseSync(file);
    try {
      assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
      const again = new RecordingIndex(db);
      assert.deepEqual(again.get(seg.id), seg);
      again.close(); // not owned: db stays open
      assert.equal(db.prepare("SELECT count(*) AS n FROM recording_segments").get()?.n, 1);
    } finally {
      db.close();
    }
  });
});

Deno.test("transaction() commits all of its writes or none", async () => {
  await withIndex((index) => {
    assert.throws(() =>
      index.transaction(() => {
        closed(index, "front", T0);
        throw new Error("boom");
      }), /boom/);
    assert.equal(index.oldest().length, 0);
    index.transaction(() => closed(index, "front", T0));
    assert.equal(index.oldest().length, 1);
  });
});

Deno.test("migrate() brings an empty database to the latest version once", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.equal(migrate(db), MIGRATIONS.length);
    assert.equal(migrate(db), MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all().map((r) => r.name);
    assert.deepEqual(tables, ["recording_events", "recording_schema", "recording_segments"]);
  } finally {
    db.close();
  }
});

Deno.test("migrate() applies only the new steps, and rolls back a step that fails", () => {
  const db = new DatabaseSync(":memory:");
  try {
    migrate(db);
    const v2: Migration = {
      version: MIGRATIONS.length + 1,
      sql: "ALTER TABLE recording_segments ADD COLUMN note TEXT",
    };
    assert.equal(migrate(db, { migrations: [...MIGRATIONS, v2] }), v2.version);
    db.prepare("SELECT note FROM recording_segments").all();

    const broken: Migration = {
      version: v2.version + 1,
      sql: "CREATE TABLE half_done (x); SELECT * FROM no_such_table",
    };
    assert.throws(() => migrate(db, { migrations: [...MIGRATIONS, v2, broken] }), /no_such_table/);
    assert.equal(db.prepare("SELECT max(version) AS v FROM recording_schema").get()?.v, v2.version);
    assert.equal(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get(),
      undefined,
    );
  } finally {
    db.close();
  }
});

Deno.test("migrate() refuses a database newer than this eyrie, and misnumbered migrations", () => {
  const db = new DatabaseSync(":memory:");
  try {
    migrate(db);
    db.exec("UPDATE recording_schema SET version = 99");
    assert.throws(() => migrate(db), { name: "RangeError", message: /version 99, newer/ });
    assert.throws(
      () => migrate(new DatabaseSync(":memory:"), { migrations: [{ version: 2, sql: "" }] }),
      /numbered 2/,
    );
  } finally {
    db.close();
  }
});
