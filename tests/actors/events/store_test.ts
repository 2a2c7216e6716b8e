import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  type EventBody,
  type EventLimits,
  EventStore,
  MAX_SNAPSHOT_BYTES,
  migrateEvents,
  MIGRATIONS,
} from "../../../actors/events/mod.ts";
import { RecordingIndex } from "../../../actors/recorder/recording_index.ts";

const LIMITS: EventLimits = { maxEvents: 1000, maxSnapshotBytes: 1 << 20 };
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function motion(atMs: number, zone = "all"): EventBody {
  return { type: "motion_start", atMs, zone, box: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 }, area: 0.05 };
}

function person(atMs: number): EventBody {
  return {
    type: "object",
    atMs,
    zone: "door",
    label: "person",
    classId: 0,
    score: 0.9,
    box: { x: 0.5, y: 0.5, w: 0.1, h: 0.3 },
  };
}

function jpeg(bytes: number, fill = 7): Uint8Array {
  return new Uint8Array(bytes).fill(fill);
}

Deno.test("EventStore keeps each event as it was reported, with its camera, id, time and snapshot", () => {
  using store = disposable(new EventStore(new DatabaseSync(":memory:")));
  const a = store.insert("front", motion(T0), { snapshot: jpeg(10), limits: LIMITS });
  const b = store.insert("back", person(T0 + 1000), { snapshot: null, limits: LIMITS });
  assert.deepEqual(a, {
    ...motion(T0),
    id: 1,
    camera: "front",
    at: "2026-01-02T03:04:05.000Z",
    snapshot: true,
  });
  assert.equal(b.snapshot, false);
  assert.deepEqual(store.get(a.id), a);
  assert.deepEqual(store.get(b.id), b);
  assert.equal(store.get(99), null);
  assert.deepEqual(store.snapshot(a.id), jpeg(10));
  assert.equal(store.snapshot(b.id), null);
});

Deno.test("EventStore.list() pages newest first and filters by camera, type and time", () => {
  using store = disposable(new EventStore(new DatabaseSync(":memory:")));
  for (let i = 0; i < 10; i++) {
    const body = i % 2 === 0 ? motion(T0 + i * 1000) : person(T0 + i * 1000);
    store.insert(i < 6 ? "front" : "back", body, { snapshot: null, limits: LIMITS });
  }
  const ids = (q: Parameters<EventStore["list"]>[0]) => store.list(q).events.map((e) => e.id);
  assert.deepEqual(ids({}), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  const first = store.list({ limit: 4 });
  assert.deepEqual(first.events.map((e) => e.id), [10, 9, 8, 7]);
  assert.equal(first.next, 7);
  const second = store.list({ limit: 4, before: first.next! });
  assert.deepEqual(second.events.map((e) => e.id), [6, 5, 4, 3]);
  const last = store.list({ limit: 4, before: second.next! });
  assert.deepEqual([last.events.map((e) => e.id), last.next], [[2, 1], null]);
  assert.deepEqual(ids({ camera: "back" }), [10, 9, 8, 7]);
  assert.deepEqual(ids({ types: ["object"] }), [10, 8, 6, 4, 2]);
  assert.deepEqual(ids({ camera: "front", types: ["motion_start", "object"] }), [6, 5, 4, 3, 2, 1]);
  assert.deepEqual(ids({ fromMs: T0 + 3000, toMs: T0 + 5000 }), [6, 5, 4]);
  assert.deepEqual(ids({ camera: "nobody" }), []);
  assert.deepEqual(store.since(7, {}).map((e) => e.id), [8, 9, 10]);
  assert.deepEqual(store.since(0, { camera: "back", limit: 2 }).map((e) => e.id), [7, 8]);
  assert.throws(() => store.list({ limit: 0 }), /Page size must be 1 to 500, got 0/);
  assert.throws(() => store.list({ limit: 501 }), /got 501/);
});

Deno.test("EventStore keeps each camera's newest max_events events and never reuses an id", () => {
  using store = disposable(new EventStore(new DatabaseSync(":memory:")));
  const limits = { maxEvents: 3, maxSnapshotBytes: 1 << 20 };
  for (let i = 0; i < 5; i++) store.insert("front", motion(T0 + i), { snapshot: jpeg(5), limits });
  store.insert("back", motion(T0), { snapshot: jpeg(5), limits });
  assert.deepEqual(store.list({ camera: "front" }).events.map((e) => e.id), [5, 4, 3]);
  assert.deepEqual(store.usage("front"), { events: 3, snapshots: 3, snapshotBytes: 15 });
  assert.deepEqual(store.usage("back"), { events: 1, snapshots: 1, snapshotBytes: 5 });
  assert.equal(store.snapshot(1), null, "a trimmed event's snapshot goes with it");
  for (let i = 0; i < 4; i++) store.insert("back", motion(T0), { snapshot: null, limits });
  assert.deepEqual(store.list({ camera: "back" }).events.map((e) => e.id), [10, 9, 8]);
});

Deno.test("EventStore drops the oldest snapshots past max_snapshot_bytes and keeps their events", () => {
  using store = disposable(new EventStore(new DatabaseSync(":memory:")));
  const limits = { maxEvents: 100, maxSnapshotBytes: 250 };
  const stored = [100, 100, 100, 40].map((n, i) =>
    store.insert("front", motion(T0 + i), { snapshot: jpeg(n, i), limits })
  );
  assert.deepEqual(stored.map((e) => e.snapshot), [true, true, true, true]);
  assert.deepEqual(store.usage("front"), { events: 4, snapshots: 3, snapshotBytes: 240 });
  assert.deepEqual(store.list({}).events.map((e) => [e.id, e.snapshot]), [
    [4, true],
    [3, true],
    [2, true],
    [1, false],
  ]);
  assert.deepEqual(store.snapshot(3), jpeg(100, 2));
  // A snapshot bigger than the whole allowance is not kept, and says so; older ones go too.
  const big = store.insert("front", motion(T0 + 9), { snapshot: jpeg(300), limits });
  assert.equal(big.snapshot, false);
  assert.deepEqual(store.usage("front"), { events: 5, snapshots: 0, snapshotBytes: 0 });
});

Deno.test("EventStore refuses an oversized snapshot or a bad limit and stores nothing", () => {
  using store = disposable(new EventStore(new DatabaseSync(":memory:")));
  assert.throws(
    () =>
      store.insert("front", motion(T0), { snapshot: jpeg(MAX_SNAPSHOT_BYTES + 1), limits: LIMITS }),
    new RegExp(`A snapshot of ${MAX_SNAPSHOT_BYTES + 1} bytes is over ${MAX_SNAPSHOT_BYTES}`),
  );
  assert.throws(
    () =>
      store.insert("front", motion(T0), { snapshot: null, limits: { ...LIMITS, maxEvents: 0 } }),
    /maxEvents must be an integer ≥ 1, got 0/,
  );
  assert.throws(
    () => store.insert("front", motion(NaN), { snapshot: null, limits: LIMITS }),
    /Event time must be finite, got NaN/,
  );
  assert.deepEqual(store.list({}).events, []);
});

Deno.test("the event tables share one SQLite file with the recording index, and migrate once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-events-" });
  const file = `${dir}/eyrie.db`;
  try {
    const index = RecordingIndex.open(file);
    const store = EventStore.open(file);
    store.insert("front", motion(T0), { snapshot: jpeg(3), limits: LIMITS });
    index.openSegment("front/2026-01-02/2026-01-02T03-04-05.000Z.mp4");
    store.close();
    index.close();
    using again = disposable(EventStore.open(file));
    assert.equal(again.list({}).events.length, 1);
    const db = new DatabaseSync(file);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all().map((r) => r.name);
    assert.deepEqual(tables.filter((t) => String(t).startsWith("events_")), [
      "events_log",
      "events_schema",
      "events_snapshots",
    ]);
    assert.ok(tables.includes("recording_segments"));
    assert.equal(migrateEvents(db), MIGRATIONS.length);
    db.exec(`UPDATE events_schema SET version = ${MIGRATIONS.length + 1}`);
    assert.throws(
      () => migrateEvents(db),
      /Event store schema is at version 2, newer than this eyrie knows \(1\)/,
    );
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function disposable(store: EventStore): EventStore & Disposable {
  return Object.assign(store, { [Symbol.dispose]: () => store.close() });
}
