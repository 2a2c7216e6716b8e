import assert from "node:assert/strict";
import { Supervisor, type SupervisorFlags } from "../../../actors/supervisor/mod.ts";
import { crasher, EventLog, ManualClock, spec } from "./_tree.ts";

function flags(strategy: SupervisorFlags["strategy"]): SupervisorFlags {
  return { strategy, intensity: 5, periodMs: 10_000, backoff: { initialMs: 10, maxMs: 1000 } };
}

async function tree(strategy: SupervisorFlags["strategy"], retryFailedStarts = false) {
  const log = new EventLog();
  const [a, b] = [crasher("a"), crasher("b")];
  const sup = await Supervisor.start({
    id: "sup",
    flags: flags(strategy),
    children: [spec(a), spec(b)],
    events: log.stream,
    clock: new ManualClock(),
    retryFailedStarts,
  });
  log.clear();
  return { log, a, b, sup };
}

const ids = (sup: Supervisor) => sup.status().children!.map((n) => `${n.id}:${n.state}`);

Deno.test("startChild() adds a running child after the others and supervises it", async () => {
  const { log, a, b, sup } = await tree("rest_for_one");
  const c = crasher("c");
  await sup.startChild(spec(c));
  assert.deepEqual(ids(sup), ["a:running", "b:running", "c:running"]);
  assert.deepEqual(log.lines, ["sup: started c"]);
  log.clear();
  // rest_for_one: a crash of b restarts b and the added c after it, not a.
  b.current!.cast({ type: "crash", how: "throw" });
  await log.until(/started c/);
  assert.ok(log.lines.includes("sup: restarting b,c"), log.lines.join(" | "));
  assert.deepEqual([a.starts, b.starts, c.starts], [1, 2, 2]);
  log.clear();
  await sup.stop("shutdown", 2000);
  assert.deepEqual(log.lines, [
    "sup: stopped c normal",
    "sup: stopped b normal",
    "sup: stopped a normal",
  ]);
});

Deno.test("startChild() refuses a duplicate id and forgets a child that cannot start", async () => {
  const { sup } = await tree("one_for_one");
  await assert.rejects(() => sup.startChild(spec(crasher("a"))), /Child id "a" appears twice/);
  await assert.rejects(() => sup.startChild(spec(crasher("Bad id"))), /must match/);
  const d = crasher("d");
  d.startMode = "throw";
  await assert.rejects(() => sup.startChild(spec(d)), /failed to start/);
  assert.deepEqual(ids(sup), ["a:running", "b:running"]);
  // The id is free again.
  d.startMode = "ok";
  await sup.startChild(spec(d));
  assert.deepEqual(ids(sup), ["a:running", "b:running", "d:running"]);
  await sup.stop("shutdown", 2000);
});

Deno.test("with retryFailedStarts, a child that cannot start is kept and retried", async () => {
  const { log, sup } = await tree("one_for_one", true);
  const d = crasher("d");
  d.startMode = "throw";
  await sup.startChild(spec(d));
  d.startMode = "ok";
  await log.until(/started d/);
  assert.equal(d.starts, 2);
  assert.deepEqual(ids(sup), ["a:running", "b:running", "d:running"]);
  await sup.stop("shutdown", 2000);
});

Deno.test("terminateChild() stops one child with its reason and removes it; the others run on", async () => {
  const { log, a, b, sup } = await tree("one_for_all");
  const exit = await sup.terminateChild("a", "removed");
  assert.deepEqual(exit, { kind: "normal" });
  assert.deepEqual(log.lines, ["sup: stopped a normal"]);
  assert.deepEqual(ids(sup), ["b:running"]);
  assert.equal(sup.child("a"), undefined);
  // The removed child's end is not a crash to restart, and one_for_all no longer includes it.
  log.clear();
  b.current!.cast({ type: "crash", how: "throw" });
  await log.until(/started b/);
  assert.deepEqual([a.starts, b.starts], [1, 2]);
  await assert.rejects(() => sup.terminateChild("zz", "removed"), /has no child "zz"/);
  await sup.stop("shutdown", 2000);
});

Deno.test("replaceChild() restarts one child from a new spec in its place, restarts from zero", async () => {
  const { log, a, b, sup } = await tree("one_for_one");
  a.current!.cast({ type: "crash", how: "throw" });
  await log.until(/started a/);
  assert.equal(sup.status().children![0].restarts, 1);
  log.clear();
  const a2 = crasher("a");
  await sup.replaceChild(spec(a2), "config_changed");
  assert.deepEqual(log.lines, ["sup: stopped a normal", "sup: started a"]);
  assert.deepEqual([a.starts, a2.starts, b.starts], [2, 1, 1]);
  assert.deepEqual(ids(sup), ["a:running", "b:running"]);
  assert.equal(sup.status().children![0].restarts, 0);
  assert.equal(sup.child("a"), a2.current);
  await sup.stop("shutdown", 2000);
});

Deno.test("a stopped supervisor refuses to add, remove or replace children", async () => {
  const { sup } = await tree("one_for_one");
  await sup.stop("shutdown", 2000);
  await assert.rejects(() => sup.startChild(spec(crasher("c"))), /cannot start a child/);
  await assert.rejects(() => sup.terminateChild("a", "removed"), /cannot terminate a child/);
  await assert.rejects(() => sup.replaceChild(spec(crasher("a")), "removed"), /cannot replace/);
});
