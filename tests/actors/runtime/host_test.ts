/** Several actors in one real Worker: each supervised on its own, and what a crash does to the rest. */
import assert from "node:assert/strict";
import type { ExitReason } from "../../../actors/defs.ts";
import {
  ActorHost,
  ActorHosts,
  type ActorProcess,
  ActorStartError,
  spawnActor,
} from "../../../actors/runtime/mod.ts";
import { CRASHER_URL } from "./_crasher_protocol.ts";
import {
  TENANT_WORKER,
  type TenantInit,
  type TenantProtocol,
  TEST_HOST_WORKER,
} from "./_tenant_protocol.ts";

// Long enough that a loaded machine (load 30 seen) never misses one by accident; the hung
// Worker cases wait it out.
const HEARTBEAT = { intervalMs: 50, timeoutMs: 3_000 };

function tenant(host: ActorHost, id: string, init: Partial<TenantInit> = {}) {
  return spawnActor<TenantProtocol>({
    id,
    url: TENANT_WORKER,
    host,
    init: { startMode: "ok", stopMode: "ok", ...init },
    log: () => {},
    heartbeat: HEARTBEAT,
  });
}

async function pair(): Promise<
  [ActorHost, ActorProcess<TenantProtocol>, ActorProcess<TenantProtocol>]
> {
  const host = new ActorHost("t/shared", TEST_HOST_WORKER);
  const a = await tenant(host, "t/a");
  const b = await tenant(host, "t/b");
  return [host, a, b];
}

function message(exit: ExitReason): string {
  return exit.kind === "crashed" ? exit.error.message : `(${exit.kind})`;
}

Deno.test("a shared Worker runs two actors, each answering as itself; it ends with the last one", async () => {
  const [host, a, b] = await pair();
  assert.deepEqual(await a.call("echo", { text: "1" }), { text: "1", id: "t/a" });
  assert.deepEqual(await b.call("echo", { text: "2" }), { text: "2", id: "t/b" });
  assert.equal(host.size, 2);
  assert.deepEqual(await a.stop("shutdown", 1000), { kind: "normal" });
  // The neighbour keeps running in the same Worker.
  assert.deepEqual(await b.call("echo", { text: "3" }), { text: "3", id: "t/b" });
  assert.ok(host.alive);
  assert.equal(host.size, 1);
  assert.deepEqual(await b.stop("shutdown", 1000), { kind: "normal" });
  assert.ok(!host.alive, "the Worker is terminated once its last actor is gone");
  await assert.rejects(tenant(host, "t/late"), /has ended/);
});

for (
  const [how, pattern] of [
    ["throw", /^Shared Worker t\/shared: t\/a crashed on demand$/],
    ["reject", /^Shared Worker t\/shared: t\/a rejected on demand$/],
  ] as const
) {
  Deno.test(`an uncaught error ("${how}") in a shared Worker crashes every actor in it, with the cause`, async () => {
    const [host, a, b] = await pair();
    a.cast({ type: "crash", how });
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    assert.equal(ea.kind, "crashed");
    assert.equal(eb.kind, "crashed");
    assert.match(message(ea), pattern);
    assert.match(message(eb), pattern);
    assert.ok(!host.alive);
  });
}

Deno.test("a hung shared Worker is found by the heartbeat: every actor in it crashed", async () => {
  const [host, a, b] = await pair();
  b.cast({ type: "crash", how: "block" });
  const [ea, eb] = await Promise.all([a.exited, b.exited]);
  assert.match(message(ea), /no answer to a heartbeat/);
  assert.match(message(eb), /no answer to a heartbeat/);
  assert.ok(!host.alive);
});

Deno.test("a shared Worker that closes without a word: every actor in it crashed", async () => {
  const [, a, b] = await pair();
  a.cast({ type: "crash", how: "close" });
  const [ea, eb] = await Promise.all([a.exited, b.exited]);
  assert.equal(ea.kind, "crashed");
  assert.equal(eb.kind, "crashed");
});

Deno.test("ctx.crash() and ctx.exit() end that actor only; the neighbour keeps running", async () => {
  const [host, a, b] = await pair();
  a.cast({ type: "crash", how: "ctx" });
  assert.match(message(await a.exited), /^t\/a called crash\(\)$/);
  assert.deepEqual(await b.call("echo", { text: "still" }), { text: "still", id: "t/b" });
  const c = await tenant(host, "t/c");
  c.cast({ type: "crash", how: "exit" });
  assert.deepEqual(await c.exited, { kind: "normal" });
  assert.deepEqual(await b.call("echo", { text: "here" }), { text: "here", id: "t/b" });
  assert.equal(await b.stop("shutdown", 1000).then((e) => e.kind), "normal");
  assert.ok(!host.alive);
});

Deno.test("a crashed actor in a shared Worker is stopped before its crash is reported: its timers do not outlive it", async () => {
  const [host, a, b] = await pair();
  assert.equal(await b.call("timers", {}), 2);
  a.cast({ type: "crash", how: "ctx" });
  assert.match(message(await a.exited), /^t\/a called crash\(\)$/);
  assert.equal(await b.call("timers", {}), 1, "a's timer was cleared by its stop");
  assert.equal(await b.stop("shutdown", 1000).then((e) => e.kind), "normal");
  assert.ok(!host.alive);
});

Deno.test("a crashed actor that will not stop ends its shared Worker, and the neighbour is told why", async () => {
  const host = new ActorHost("t/shared", TEST_HOST_WORKER);
  const a = await tenant(host, "t/a", { stopMode: "hang" });
  const b = await tenant(host, "t/b");
  a.cast({ type: "crash", how: "ctx" });
  const [ea, eb] = await Promise.all([a.exited, b.exited]);
  for (const e of [ea, eb]) {
    assert.match(
      message(e),
      /t\/a crashed \(t\/a called crash\(\)\) and did not stop within 5000 ms/,
    );
  }
  assert.ok(!host.alive);
});

Deno.test("an actor that fails to start leaves its neighbour running", async () => {
  const host = new ActorHost("t/shared", TEST_HOST_WORKER);
  const a = await tenant(host, "t/a");
  await assert.rejects(tenant(host, "t/b", { startMode: "throw" }), (e: unknown) => {
    assert.ok(e instanceof ActorStartError);
    assert.match(e.message, /t\/b refuses to start/);
    return true;
  });
  assert.deepEqual(await a.call("echo", { text: "ok" }), { text: "ok", id: "t/a" });
  await a.stop("shutdown", 1000);
  assert.ok(!host.alive);
});

Deno.test("a shared actor that does not stop in time is killed; its neighbours are told why", async () => {
  const host = new ActorHost("t/shared", TEST_HOST_WORKER);
  const a = await tenant(host, "t/a", { stopMode: "hang" });
  const b = await tenant(host, "t/b");
  assert.deepEqual(await a.stop("shutdown", 100), { kind: "killed", afterMs: 100 });
  assert.equal(
    message(await b.exited),
    "Shared Worker t/shared was terminated: t/a did not stop within 100 ms",
  );
  assert.ok(!host.alive);
});

Deno.test("a shared Worker refuses an actor module it does not list", async () => {
  const host = new ActorHost("t/shared", TEST_HOST_WORKER);
  await assert.rejects(
    spawnActor({ id: "t/x", url: CRASHER_URL, host, init: {}, log: () => {} }),
    /This host Worker cannot run ".*_crasher\.ts"/,
  );
  assert.ok(!host.alive, "no actor is left in it");
});

Deno.test("ActorHosts: one Worker per name while it runs, a fresh one after it ended", async () => {
  const hosts = new ActorHosts(TEST_HOST_WORKER, "cam");
  assert.equal(hosts.get(undefined), undefined);
  const first = hosts.get("io")!;
  assert.equal(first.name, "cam/io");
  assert.equal(hosts.get("io"), first);
  assert.notEqual(hosts.get("media"), first);
  const a = await tenant(first, "cam/a");
  const m = await tenant(hosts.get("media")!, "cam/m");
  await a.stop("shutdown", 1000);
  await m.stop("shutdown", 1000);
  const second = hosts.get("io")!;
  assert.notEqual(second, first);
  const b = await tenant(second, "cam/b");
  assert.deepEqual(await b.call("echo", { text: "x" }), { text: "x", id: "cam/b" });
  await b.stop("shutdown", 1000);
  assert.equal(new ActorHosts(TEST_HOST_WORKER, "cam", { separate: true }).get("io"), undefined);
});

Deno.test("ActorHosts: names shared with the process go to its Worker, one for every camera", async () => {
  const process = new ActorHosts(TEST_HOST_WORKER, "cameras");
  const shared = { names: new Set(["io"]), hosts: process };
  const front = new ActorHosts(TEST_HOST_WORKER, "front", { shared });
  const back = new ActorHosts(TEST_HOST_WORKER, "back", { shared });
  const io = front.get("io")!;
  assert.equal(io.name, "cameras/io");
  assert.equal(back.get("io"), io, "both cameras' io actors run in one Worker");
  assert.notEqual(front.get("media"), back.get("media"), "media stays per camera");
  assert.equal(front.get("media")!.name, "front/media");
  // One camera's actor that throws ends alone; the other camera's neighbour runs on.
  const a = await tenant(io, "front/a");
  const b = await tenant(back.get("io")!, "back/b");
  a.injectFault("throw");
  const exit = await a.exited;
  assert.equal(exit.kind, "crashed");
  assert.deepEqual(await b.call("echo", { text: "y" }), { text: "y", id: "back/b" });
  assert.ok(io.alive);
  await b.stop("shutdown", 1000);
  assert.ok(!io.alive, "the shared Worker ends with the last camera's last actor");
  assert.notEqual(front.get("io"), io, "a fresh one after it ended");
  const separate = new ActorHosts(TEST_HOST_WORKER, "cam", { separate: true, shared });
  assert.equal(separate.get("io"), undefined);
  // Workers started by get() above without an actor: end them with one.
  for (const h of [front.get("io")!, front.get("media")!, back.get("media")!]) {
    await (await tenant(h, "x/y")).stop("shutdown", 1000);
  }
});
