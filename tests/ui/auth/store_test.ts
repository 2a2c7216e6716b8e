import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { AuthStore } from "../../../ui/auth/service.ts";
import { AUTH_MIGRATIONS, migrateAuth } from "../../../ui/auth/schema.ts";
import { DEFAULT_GRANT } from "../../../ui/auth/grant.ts";
import { certSubject, userSubject } from "../../../ui/auth/grants.ts";
import { issueSession, readSession, sessionKey } from "../../../ui/auth/session.ts";

async function tempStore(): Promise<{ store: AuthStore; dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-auth-test-" });
  const store = AuthStore.open(`${dir}/data`);
  return {
    store,
    dir,
    async [Symbol.asyncDispose]() {
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("the auth tables live in eyrie.db (mode 0600) beside other tables and migrate once", async () => {
  await using t = await tempStore();
  const file = `${t.dir}/data/eyrie.db`;
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  const db = new DatabaseSync(file);
  try {
    db.exec("CREATE TABLE IF NOT EXISTS recording_segments (id INTEGER PRIMARY KEY, camera TEXT)");
    assert.equal(migrateAuth(db), AUTH_MIGRATIONS.length, "a second migration is a no-op");
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all().map((r) => r.name);
    assert.deepEqual(tables.filter((n) => String(n).startsWith("auth_")), [
      "auth_approvals",
      "auth_grants",
      "auth_schema",
      "auth_secret",
      "auth_users",
    ]);
    assert.ok(tables.includes("recording_segments"));
  } finally {
    db.close();
  }
});

Deno.test("Users: add, authenticate, change password (ending sessions), keep the last admin", async () => {
  await using t = await tempStore();
  const { users } = t.store;
  assert.equal(users.count(), 0);
  await users.add("alice", "admin", "alice-password");
  await users.add("cam", "viewer", null);
  await assert.rejects(() => users.add("alice", "viewer", "another-pass"), /already exists/);
  await assert.rejects(() => users.add("bad name", "viewer", null), /Invalid user name "bad name"/);
  assert.equal((await users.authenticate("alice", "alice-password"))?.name, "alice");
  assert.equal(await users.authenticate("alice", "wrong-password"), null);
  assert.equal(await users.authenticate("nobody", "alice-password"), null);
  assert.equal(
    await users.authenticate("cam", ""),
    null,
    "certificate-only users have no password",
  );
  const before = users.get("alice")!.generation;
  await users.setPassword("alice", "new-password");
  assert.equal(users.get("alice")!.generation, before + 1);
  assert.equal(await users.authenticate("alice", "alice-password"), null);
  assert.throws(() => users.remove("alice"), /last admin/);
  assert.throws(() => users.setRole("alice", "viewer"), /last admin/);
  t.store.removeUser("cam");
  t.store.removeUser("alice");
  assert.equal(users.count(), 0);
});

Deno.test("Grants round-trip per subject and go with their user", async () => {
  await using t = await tempStore();
  await t.store.users.add("bob", "viewer", null);
  const grant = {
    ...DEFAULT_GRANT,
    cameras: ["front"],
    can_download: true,
    can_talk: true,
    max_quality: "medium" as const,
  };
  t.store.grants.set(userSubject("bob"), "bob", grant, "test");
  t.store.grants.set(certSubject("AA:BB"), "garage", DEFAULT_GRANT, "test");
  assert.deepEqual(t.store.grants.get(userSubject("bob")), grant);
  assert.deepEqual(t.store.grants.get(certSubject("AA:BB")), DEFAULT_GRANT);
  t.store.removeUser("bob");
  assert.equal(t.store.grants.get(userSubject("bob")), null);
  assert.equal(t.store.grants.list().length, 1);
});

Deno.test("Approvals: one pending request per subject, a decision is kept, a denied subject cannot ask again", async () => {
  await using t = await tempStore();
  const { approvals } = t.store;
  const ask = {
    subject: "cert:AA",
    label: "garage",
    fingerprint256: "AA",
    cameras: ["front"],
    note: "hi",
    address: "10.0.0.9",
  };
  const first = approvals.ask(ask, 1000);
  const again = approvals.ask({ ...ask, note: "still me" }, 2000);
  assert.equal(again.id, first.id);
  assert.equal(again.note, "still me");
  assert.equal(approvals.list("pending").length, 1);
  const denied = approvals.decide(first.id, "denied", "alice", 3000);
  assert.equal(denied.status, "denied");
  assert.equal(denied.decidedBy, "alice");
  assert.throws(() => approvals.ask(ask), /denied by alice/);
  assert.equal(approvals.decide(first.id, "approved", "alice").status, "approved");
  assert.equal(approvals.ask(ask).status, "pending", "after approval a new request may be made");
  assert.throws(() => approvals.ask({ ...ask, note: "x".repeat(501) }), /at most 500/);
});

Deno.test("session tokens carry name and generation, expire, and fail under another key", async () => {
  await using t = await tempStore();
  const key = sessionKey(t.store.db);
  assert.equal(sessionKey(t.store.db), key, "made once");
  assert.match(key, /^[0-9a-f]{64}$/);
  const token = await issueSession(key, { name: "alice", generation: 3 });
  const claims = await readSession(key, token);
  assert.equal(claims?.name, "alice");
  assert.equal(claims?.generation, 3);
  assert.equal(await readSession("0".repeat(64), token), null);
  assert.equal(await readSession(key, token.slice(0, -2) + "xx"), null);
  const old = await issueSession(key, { name: "alice", generation: 3 }, Date.now() - 13 * 3600_000);
  assert.equal(await readSession(key, old), null, "expired after 12 h");
});

Deno.test({
  name: "run as root on a data dir another user owns, the state file goes to that user",
  ignore: Deno.uid() !== 0,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-auth-owner-" });
    try {
      await Deno.chown(dir, 65534, 65534);
      const store = AuthStore.open(dir);
      await store.users.add("alice", "admin", null);
      store.close();
      const info = await Deno.stat(`${dir}/eyrie.db`);
      assert.equal(info.uid, 65534);
      assert.equal(info.mode! & 0o777, 0o600);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
