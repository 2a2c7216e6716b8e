import assert from "node:assert/strict";
import { Supervisor, type SupervisorFlags } from "../../../actors/supervisor/mod.ts";
import { crasher, EventLog, ManualClock, spec } from "./_tree.ts";

function flags(strategy: SupervisorFlags["strategy"]): SupervisorFlags {
  return { strategy, intensity: 5, periodMs: 10_000, backoff: { initialMs: 10, maxMs: 1000 } };
}

async function tree(strategy: SupervisorFlags["strategy"]) {
  const log = new EventLog();
  const [a, b, c] = [crasher("a"), crasher("b"), crasher("c")];
  const sup = await Supervisor.start({
    id: "sup",
    flags: flags(strategy),
    children: [spec(a), spec(b), spec(c)],
    events: log.stream,
    clock: new ManualClock(),
  });
  return { log, a, b, c, sup };
}

Deno.test("children start in order and stop in reverse order", async () => {
  const { log, sup } = await tree("one_for_one");
  assert.deepEqual(log.lines, ["sup: started a", "sup: started b", "sup: started c"]);
  log.clear();
  assert.deepEqual(await sup.stop("shutdown", 2000), { kind: "normal" });
  assert.deepEqual(log.lines, [
    "sup: stopped c normal",
    "sup: stopped b normal",
    "sup: stopped a normal",
  ]);
});

Deno.test("one_for_one restarts only the child that crashed", async () => {
  const { log, a, b, c, sup } = await tree("one_for_one");
  log.clear();
  b.current!.cast({ type: "crash", how: "throw" });
  await log.until(/started b/);
  assert.deepEqual(log.lines, ["sup: exited b crashed", "sup: restarting b", "sup: started b"]);
  assert.deepEqual([a.starts, b.starts, c.starts], [1, 2, 1]);
  await sup.stop("shutdown", 2000);
});

Deno.test("rest_for_one restarts the crashed child and those started after it", async () => {
  const { log, a, b, c, sup } = await tree("rest_for_one");
  log.clear();
  b.current!.cast({ type: "crash", how: "reject" });
  await log.until(/started c/);
  assert.deepEqual(log.lines, [
    "sup: exited b crashed",
    "sup: stopped c normal",
    "sup: restarting b,c",
    "sup: started b",
    "sup: started c",
  ]);
  assert.deepEqual([a.starts, b.starts, c.starts], [1, 2, 2]);
  await sup.stop("shutdown", 2000);
});

Deno.test("one_for_all restarts every child, stopping the others in reverse order", async () => {
  const { log, a, b, c, sup } = await tree("one_for_all");
  log.clear();
  b.current!.cast({ type: "crash", how: "ctx" });
  await log.until(/started c/);
  assert.deepEqual(log.lines, [
    "sup: exited b crashed",
    "sup: stopped c normal",
    "sup: stopped a normal",
    "sup: restarting a,b,c",
    "sup: started a",
    "sup: started b",
    "sup: started c",
  ]);
  assert.deepEqual([a.starts, b.starts, c.starts], [2, 2, 2]);
  await sup.stop("shutdown", 2000);
});

Deno.test("restart policies: permanent always, transient only after a crash, temporary never", async () => {
  const log = new EventLog();
  const [p, t1, t2, tmp] = [crasher("p"), crasher("t1"), crasher("t2"), crasher("tmp")];
  const sup = await Supervisor.start({
    id: "sup",
    flags: flags("one_for_one"),
    children: [
      spec(p, "permanent"),
      spec(t1, "transient"),
      spec(t2, "transient"),
      spec(tmp, "temporary"),
    ],
    events: log.stream,
    clock: new ManualClock(),
  });
  p.current!.cast({ type: "crash", how: "exit" });
  t1.current!.cast({ type: "crash", how: "exit" });
  t2.current!.cast({ type: "crash", how: "throw" });
  tmp.current!.cast({ type: "crash", how: "throw" });
  await log.until(/exited tmp crashed/);
  await log.until(/started t2/, 2);
  await log.until(/started p/, 2);
  assert.deepEqual([p.starts, t1.starts, t2.starts, tmp.starts], [2, 1, 2, 1]);
  const states = sup.status().children!.map((n) => `${n.id}:${n.state}`);
  assert.deepEqual(states, ["p:running", "t1:stopped", "t2:running", "tmp:failed"]);
  await sup.stop("shutdown", 2000);
});

Deno.test("a child that will not stop is killed after its shutdownMs", async () => {
  const log = new EventLog();
  const a = crasher("a");
  a.stopMode = "hang";
  const sup = await Supervisor.start({
    id: "sup",
    flags: flags("one_for_one"),
    children: [spec(a, "permanent", 100)],
    events: log.stream,
  });
  await sup.stop("shutdown", 2000);
  assert.deepEqual(log.lines.at(-1), "sup: stopped a killed");
});

Deno.test("the status tree shows each child's state and restart count", async () => {
  const { log, b, sup } = await tree("one_for_one");
  b.current!.cast({ type: "crash", how: "throw" });
  await log.until(/started b/, 2);
  const s = sup.status();
  assert.equal(s.kind, "supervisor");
  assert.equal(s.state, "running");
  assert.deepEqual(s.children!.map((n) => [n.id, n.state, n.restarts]), [
    ["a", "running", 0],
    ["b", "running", 1],
    ["c", "running", 0],
  ]);
  assert.equal(s.children![1].lastExit?.kind, "crashed");
  await sup.stop("shutdown", 2000);
});
