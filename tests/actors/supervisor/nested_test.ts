import assert from "node:assert/strict";
import {
  type ChildSpec,
  Supervisor,
  type SupervisorFlags,
} from "../../../actors/supervisor/mod.ts";
import { type Crasher, crasher, EventLog, ManualClock, spec } from "./_tree.ts";

const CAMERA: SupervisorFlags = {
  strategy: "rest_for_one",
  intensity: 2,
  periodMs: 10_000,
  backoff: { initialMs: 0, maxMs: 0 },
};
const ROOT: SupervisorFlags = {
  strategy: "one_for_one",
  intensity: 3,
  periodMs: 10_000,
  backoff: { initialMs: 0, maxMs: 0 },
};

function camera(id: string, actors: Crasher[], log: EventLog, clock: ManualClock): ChildSpec {
  return {
    id,
    restart: "permanent",
    shutdownMs: 2000,
    start: () =>
      Supervisor.start({
        id,
        flags: CAMERA,
        children: actors.map((a) => spec(a)),
        events: log.stream,
        clock,
      }),
  };
}

Deno.test("nested: a crash inside one camera's subtree restarts what reads from it and nothing else", async () => {
  const log = new EventLog();
  const clock = new ManualClock();
  const front = [crasher("camera"), crasher("encoder"), crasher("recorder")];
  const back = [crasher("camera"), crasher("encoder"), crasher("recorder")];
  const root = await Supervisor.start({
    id: "cameras",
    flags: ROOT,
    children: [camera("front", front, log, clock), camera("back", back, log, clock)],
    events: log.stream,
    clock,
  });
  log.clear();
  front[1].current!.cast({ type: "crash", how: "throw" });
  await log.until(/front: started recorder/);
  assert.deepEqual(front.map((a) => a.starts), [1, 2, 2]);
  assert.deepEqual(back.map((a) => a.starts), [1, 1, 1]);
  assert.ok(!log.lines.some((l) => l.startsWith("cameras:")), "the root saw nothing");
  const tree = root.status();
  assert.deepEqual(tree.children!.map((c) => [c.id, c.kind, c.state]), [
    ["front", "supervisor", "running"],
    ["back", "supervisor", "running"],
  ]);
  assert.deepEqual(tree.children![0].children!.map((c) => [c.id, c.restarts]), [
    ["camera", 0],
    ["encoder", 1],
    ["recorder", 1],
  ]);
  await root.stop("shutdown", 5000);
});

Deno.test("nested: a camera subtree that gives up is restarted whole by the root; the other camera runs on", async () => {
  const log = new EventLog();
  const clock = new ManualClock();
  const front = [crasher("camera"), crasher("encoder")];
  const back = [crasher("camera"), crasher("encoder")];
  const root = await Supervisor.start({
    id: "cameras",
    flags: ROOT,
    children: [camera("front", front, log, clock), camera("back", back, log, clock)],
    events: log.stream,
    clock,
  });
  for (let n = 1; n <= 3; n++) {
    front[0].current!.cast({ type: "crash", how: "throw" });
    await log.until(/front: started encoder/, n + 1);
  }
  await log.until(/cameras: started front/, 2);
  assert.ok(log.lines.includes("front: gave up"));
  assert.ok(log.lines.includes("cameras: exited front crashed"));
  assert.deepEqual(back.map((a) => a.starts), [1, 1]);
  assert.equal(root.status().children![0].restarts, 1);
  await root.stop("shutdown", 5000);
});

Deno.test("nested: stopping the root stops every subtree in reverse order", async () => {
  const log = new EventLog();
  const clock = new ManualClock();
  const root = await Supervisor.start({
    id: "cameras",
    flags: ROOT,
    children: [
      camera("front", [crasher("camera"), crasher("encoder")], log, clock),
      camera("back", [crasher("camera"), crasher("encoder")], log, clock),
    ],
    events: log.stream,
    clock,
  });
  log.clear();
  await root.stop("shutdown", 5000);
  assert.deepEqual(log.lines, [
    "back: stopped encoder normal",
    "back: stopped camera normal",
    "cameras: stopped back normal",
    "front: stopped encoder normal",
    "front: stopped camera normal",
    "cameras: stopped front normal",
  ]);
});
