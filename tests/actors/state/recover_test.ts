/**
 * The state file's faults on real files: cut short, a damaged header, a
 * damaged page, emptied, a directory in its place, and how each is
 * recovered (moved aside, what reads whole copied over) or left alone.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createLogger } from "../../../actors/log/logger.ts";
import type { LogRecord } from "../../../actors/defs.ts";
import { RecordingIndex, segmentPath } from "../../../actors/recorder/mod.ts";
import { EventStore } from "../../../actors/events/store.ts";
import { inspectStateFile, STATE_FILE } from "../../../actors/state/state_file.ts";
import { salvageAreas } from "../../../actors/state/salvage.ts";
import { forgetStateFiles, recoverStateFile } from "../../../actors/state/recover.ts";
import { lastRecovery, settleUsers, usersLost } from "../../../actors/state/recovery.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { AUTH_MIGRATIONS } from "../../../ui/auth/schema.ts";

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const PAGE = 4096;

/** A state file as eyrie leaves it: a user, many recording rows, some events; WAL checkpointed. */
async function stateFile(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const auth = AuthStore.open(dir);
  await auth.users.add("alice", "admin", null);
  auth.close();
  const file = join(dir, STATE_FILE);
  const index = RecordingIndex.open(file);
  for (let i = 0; i < 3000; i++) {
    index.addSegment(segmentPath("front", T0 + i * 60_000), {
      endMs: T0 + i * 60_000 + 59_000,
      bytes: 1000 + i,
      frames: 900,
      keyframes: 30,
      complete: true,
    });
  }
  index.close();
  const events = EventStore.open(file);
  for (let i = 0; i < 50; i++) {
    events.insert("front", {
      type: "motion_start",
      atMs: T0 + i,
      zone: "all",
      box: { x: 0, y: 0, w: 1, h: 1 },
      area: 0.5,
    }, { snapshot: null, limits: { maxEvents: 1000, maxSnapshotBytes: 1 << 20 } });
  }
  events.close();
  const db = new DatabaseSync(file);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return file;
}

/** The first page of table `name`'s b-tree (to damage one area and not another). */
function rootPage(file: string, name: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number(
      db.prepare("SELECT rootpage FROM sqlite_master WHERE name = ?").get(name)!.rootpage,
    );
  } finally {
    db.close();
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-state-" });
  forgetStateFiles();
  try {
    await fn(dir);
  } finally {
    forgetStateFiles();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("inspectStateFile() tells missing, sound, corrupt (cut, bad header, bad page, empty) and unreadable apart", async () => {
  await withDir(async (dir) => {
    const file = await stateFile(join(dir, "data"));
    assert.deepEqual(inspectStateFile(file), { kind: "ok" });
    assert.deepEqual(inspectStateFile(join(dir, "none.db")), { kind: "missing" });
    const bytes = await Deno.readFile(file);

    await Deno.writeFile(join(dir, "cut.db"), bytes.slice(0, bytes.length / 2));
    const cut = inspectStateFile(join(dir, "cut.db"));
    assert.equal(cut.kind, "corrupt");

    const header = bytes.slice();
    header.set(new TextEncoder().encode("this is no db!!!"), 0);
    await Deno.writeFile(join(dir, "header.db"), header);
    assert.deepEqual(inspectStateFile(join(dir, "header.db")), {
      kind: "corrupt",
      reason: "it is not an SQLite database (its header is damaged)",
    });

    const page = bytes.slice();
    const at = (rootPage(file, "recording_segments") - 1) * PAGE;
    page.fill(0xab, at, at + PAGE);
    await Deno.writeFile(join(dir, "page.db"), page);
    assert.equal(inspectStateFile(join(dir, "page.db")).kind, "corrupt");

    await Deno.writeFile(join(dir, "empty.db"), new Uint8Array());
    assert.deepEqual(inspectStateFile(join(dir, "empty.db")), {
      kind: "corrupt",
      reason: "the file is empty (0 bytes): it was cut short",
    });

    await Deno.mkdir(join(dir, "dir.db"));
    assert.deepEqual(inspectStateFile(join(dir, "dir.db")), {
      kind: "unreadable",
      reason: "it is a directory, not a file",
    });
  });
});

Deno.test("salvageAreas() copies each area that reads whole, with its version, and none of one that does not", async () => {
  await withDir(async (dir) => {
    const file = await stateFile(join(dir, "data"));
    const bytes = await Deno.readFile(file);
    const at = (rootPage(file, "recording_segments") - 1) * PAGE;
    bytes.fill(0xab, at, at + PAGE);
    await Deno.writeFile(join(dir, "damaged.db"), bytes);
    const fresh = new DatabaseSync(":memory:");
    const report = salvageAreas(join(dir, "damaged.db"), fresh);
    assert.deepEqual(report.kept.sort(), ["auth", "events"]);
    assert.deepEqual(report.lost, ["recording"]);
    assert.equal(fresh.prepare("SELECT name FROM auth_users").get()?.name, "alice");
    assert.equal(fresh.prepare("SELECT count(*) AS n FROM events_log").get()?.n, 50);
    assert.equal(
      fresh.prepare("SELECT max(version) AS v FROM auth_schema").get()?.v,
      AUTH_MIGRATIONS.at(-1)!.version,
    );
    assert.equal(
      fresh.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'recording_%'").get()
        ?.n,
      0,
      "no half of the recording area",
    );
    // The next id of events is not reused.
    assert.equal(
      fresh.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events_log'").get()?.seq,
      50,
    );
    fresh.close();

    const nothing = salvageAreas(join(dir, "missing.db"), new DatabaseSync(":memory:"));
    assert.deepEqual(nothing, { kept: [], lost: null });
  });
});

Deno.test("recoverStateFile() moves a corrupt file aside with its WAL, keeps what reads, and says so once", async () => {
  await withDir(async (dir) => {
    const data = join(dir, "data");
    const file = await stateFile(data);
    const bytes = await Deno.readFile(file);
    const at = (rootPage(file, "recording_segments") - 1) * PAGE;
    bytes.fill(0xab, at, at + PAGE);
    await Deno.writeFile(file, bytes);
    await Deno.writeFile(`${file}-shm`, new Uint8Array(0));
    const logs: LogRecord[] = [];
    const log = createLogger("state", (r) => logs.push(r), "debug");
    const now = () => new Date(Date.UTC(2026, 11, 7, 13, 0, 0));
    const report = recoverStateFile(data, { log, now });
    assert.equal(report.kind, "recovered");
    if (report.kind !== "recovered") return;
    assert.equal(report.movedTo, `${file}.corrupt-2026-12-07T13-00-00-000Z`);
    assert.deepEqual([report.kept.sort(), report.lost], [["auth", "events"], ["recording"]]);
    assert.ok(
      (await Deno.stat(report.movedTo)).size === bytes.length,
      "the copy is kept as it was",
    );
    await Deno.stat(`${report.movedTo}-shm`);
    assert.equal(inspectStateFile(file).kind, "ok");
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.deepEqual(logs.map((l) => [l.level, l.msg, l.fields?.file, l.fields?.users]), [[
      "error",
      "the state file was corrupt: moved aside, a fresh one made with what could be read",
      file,
      "kept",
    ]]);
    assert.equal(recoverStateFile(data, { log }), report, "one look per process");
    assert.equal(logs.length, 1);

    // The index migrates afresh (reconcile rebuilds it from the disk); users are still there.
    const db = new DatabaseSync(file);
    assert.deepEqual(lastRecovery(db)?.lost, ["recording"]);
    assert.equal(usersLost(db), false);
    db.close();
    const index = RecordingIndex.open(file);
    assert.equal(index.oldest().length, 0);
    index.close();
  });
});

Deno.test("recoverStateFile() of a file with nothing readable loses the users until one is added; an unreadable one is left alone", async () => {
  await withDir(async (dir) => {
    const data = join(dir, "data");
    const file = await stateFile(data);
    await Deno.writeFile(file, new Uint8Array());
    const report = recoverStateFile(data);
    assert.deepEqual(report.kind === "recovered" && [report.kept, report.lost], [[], ["*"]]);
    const db = new DatabaseSync(file);
    assert.equal(usersLost(db), true);
    settleUsers(db);
    assert.equal(usersLost(db), false);
    db.close();

    const other = join(dir, "other");
    await Deno.mkdir(join(other, STATE_FILE), { recursive: true });
    const logs: LogRecord[] = [];
    const left = recoverStateFile(other, { log: createLogger("state", (r) => logs.push(r)) });
    assert.deepEqual(left, {
      kind: "unreadable",
      file: join(other, STATE_FILE),
      reason: "it is a directory, not a file",
    });
    assert.ok((await Deno.stat(join(other, STATE_FILE))).isDirectory, "left as it was");
    assert.equal(logs[0].msg, "cannot open the state file; it is left as it is");
  });
});
