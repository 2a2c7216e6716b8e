import assert from "node:assert/strict";
import type { LogRecord } from "../../../actors/defs.ts";
import {
  ActorCallError,
  ActorStartError,
  spawnActor,
  type SpawnOptions,
} from "../../../actors/runtime/mod.ts";
import { CRASHER_URL, type CrasherInit, type CrasherProtocol } from "./_crasher_protocol.ts";

function options(
  init: Partial<CrasherInit>,
  extra: Partial<SpawnOptions<CrasherProtocol>> = {},
): SpawnOptions<CrasherProtocol> {
  return {
    id: "test/crasher",
    url: CRASHER_URL,
    init: { tag: "t", startMode: "ok", stopMode: "ok", ...init },
    log: () => {},
    heartbeat: { intervalMs: 50, timeoutMs: 3_000 }, // never missed by accident on a loaded machine
    ...extra,
  };
}

Deno.test("an actor starts, answers typed calls, emits events and logs with its id", async () => {
  const events: string[] = [];
  const logs: LogRecord[] = [];
  const actor = await spawnActor(options({ tag: "a" }, {
    onEvent: (e) => events.push(e.id),
    log: (r) => logs.push(r),
  }));
  assert.deepEqual(await actor.call("echo", { text: "hi" }), { text: "hi", id: "test/crasher" });
  await assert.rejects(actor.call("fail", { message: "no such thing" }), {
    name: "TypeError",
    message: "no such thing",
  });
  await assert.rejects(actor.call("slow", { ms: 1000 }, { timeoutMs: 50 }), ActorCallError);
  assert.deepEqual(events, ["test/crasher"]);
  assert.equal(logs[0].actor, "test/crasher");
  assert.equal(logs[0].msg, "started");
  assert.deepEqual(await actor.stop("shutdown", 1000), { kind: "normal" });
  await assert.rejects(actor.call("echo", { text: "late" }), ActorCallError);
});

Deno.test("an actor that throws in start() fails to spawn with its message", async () => {
  await assert.rejects(spawnActor(options({ tag: "b", startMode: "throw" })), (e: unknown) => {
    assert.ok(e instanceof ActorStartError);
    assert.match(e.message, /b refuses to start/);
    return true;
  });
});

Deno.test("an actor that never finishes start() is reported after the start timeout", async () => {
  await assert.rejects(
    spawnActor(options({ startMode: "hang" }, { startTimeoutMs: 100 })),
    /no answer to start within 100 ms/,
  );
});

for (
  const [how, pattern] of [
    ["throw", /crashed on demand/],
    ["reject", /rejected on demand/],
    ["ctx", /called crash\(\)/],
    ["close", /heartbeat/],
    ["block", /heartbeat/],
  ] as const
) {
  Deno.test(`an actor that dies by "${how}" is reported as crashed`, async () => {
    const actor = await spawnActor(options({ tag: how }));
    actor.cast({ type: "crash", how });
    const exit = await actor.exited;
    assert.equal(exit.kind, "crashed");
    assert.match(exit.kind === "crashed" ? exit.error.message : "", pattern);
  });
}

Deno.test("an actor that ends its work exits normally", async () => {
  const actor = await spawnActor(options({}));
  actor.cast({ type: "crash", how: "exit" });
  assert.deepEqual(await actor.exited, { kind: "normal" });
});

Deno.test("an actor that does not stop within shutdownMs is killed", async () => {
  const actor = await spawnActor(options({ stopMode: "hang" }));
  assert.deepEqual(await actor.stop("shutdown", 100), { kind: "killed", afterMs: 100 });
});
