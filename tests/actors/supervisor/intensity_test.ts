import assert from "node:assert/strict";
import {
  type ChildSpec,
  Supervisor,
  type SupervisorFlags,
  SupervisorGaveUpError,
} from "../../../actors/supervisor/mod.ts";
import { crasher, EventLog, ManualClock, spec } from "./_tree.ts";

const FLAGS = {
  strategy: "one_for_one",
  intensity: 2,
  periodMs: 1000,
  backoff: { initialMs: 10, maxMs: 25 },
} as const;

Deno.test("more than `intensity` restarts within the period: the supervisor gives up and stops all", async () => {
  const log = new EventLog();
  const [a, b] = [crasher("a"), crasher("b")];
  const clock = new ManualClock();
  const sup = await Supervisor.start({
    id: "sup",
    flags: FLAGS,
    children: [spec(a), spec(b)],
    events: log.stream,
    clock,
  });
  for (let n = 1; n <= 2; n++) {
    b.current!.cast({ type: "crash", how: "throw" });
    await log.until(/started b/, n + 1);
    clock.t += 100;
  }
  b.current!.cast({ type: "crash", how: "throw" });
  const exit = await sup.exited;
  assert.equal(exit.kind, "crashed");
  assert.equal(exit.kind === "crashed" && exit.error.name, SupervisorGaveUpError.name);
  assert.match(
    exit.kind === "crashed" ? exit.error.message : "",
    /more than 2 restarts in 1000 ms/,
  );
  assert.deepEqual(log.lines.slice(-3), [
    "sup: exited b crashed",
    "sup: gave up",
    "sup: stopped a normal",
  ]);
  assert.equal(sup.status().state, "failed");
  assert.deepEqual(clock.sleeps, [10, 20], "backoff doubles within the window");
});

Deno.test("restarts spread wider than the period never exhaust the intensity", async () => {
  const log = new EventLog();
  const a = crasher("a");
  const clock = new ManualClock();
  const sup = await Supervisor.start({
    id: "sup",
    flags: FLAGS,
    children: [spec(a)],
    events: log.stream,
    clock,
  });
  for (let n = 1; n <= 5; n++) {
    a.current!.cast({ type: "crash", how: "throw" });
    await log.until(/started a/, n + 1);
    clock.t += 600;
  }
  assert.equal(sup.status().state, "running");
  assert.equal(a.starts, 6);
  assert.deepEqual(
    clock.sleeps,
    [10, 20, 20, 20, 20],
    "backoff is capped at maxMs and eases with the window",
  );
  await sup.stop("shutdown", 2000);
});

Deno.test("a crash loop (a child that cannot start again) ends with a clear gave_up event", async () => {
  const log = new EventLog();
  const a = crasher("a");
  const sup = await Supervisor.start({
    id: "sup",
    flags: FLAGS,
    children: [spec(a)],
    events: log.stream,
    clock: new ManualClock(),
  });
  a.startMode = "throw";
  a.current!.cast({ type: "crash", how: "throw" });
  const exit = await sup.exited;
  assert.equal(exit.kind, "crashed");
  assert.deepEqual(log.lines, [
    "sup: started a",
    "sup: exited a crashed",
    "sup: restarting a",
    "sup: start failed a",
    "sup: restarting a",
    "sup: start failed a",
    "sup: gave up",
  ]);
  const gaveUp = log.events.at(-1)!;
  assert.equal(gaveUp.type, "gave_up");
  assert.match(gaveUp.type === "gave_up" ? gaveUp.cause : "", /start failed: .*a refuses to start/);
});

Deno.test("a child that cannot start fails the supervisor's start, stopping those started before it", async () => {
  const log = new EventLog();
  const [a, b] = [crasher("a"), crasher("b")];
  b.startMode = "throw";
  await assert.rejects(
    Supervisor.start({ id: "sup", flags: FLAGS, children: [spec(a), spec(b)], events: log.stream }),
    /b refuses to start/,
  );
  assert.deepEqual(log.lines, ["sup: started a", "sup: start failed b", "sup: stopped a normal"]);
});

Deno.test("with retryFailedStarts a child that cannot start yet is retried and the rest run", async () => {
  const log = new EventLog();
  const [a, b] = [crasher("a"), crasher("b")];
  a.startMode = "throw";
  const clock = new ManualClock();
  // Starts keep failing until the camera "comes back".
  clock.sleep = (ms) => {
    clock.sleeps.push(ms);
    if (clock.sleeps.length === 3) a.startMode = "ok";
    return Promise.resolve();
  };
  const sup = await Supervisor.start({
    id: "sup",
    flags: { ...FLAGS, intensity: 10 },
    children: [spec(a), spec(b)],
    events: log.stream,
    clock,
    retryFailedStarts: true,
  });
  await log.until(/started a/);
  assert.equal(log.lines.filter((l) => l === "sup: start failed a").length, 3);
  assert.equal(sup.status().state, "running");
  assert.deepEqual(sup.status().children!.map((c) => c.state), ["running", "running"]);
  await sup.stop("shutdown", 2000);
});

Deno.test("bad flags and specs are refused before anything starts", async () => {
  const events = new EventLog().stream;
  const a = crasher("a");
  const bad = [
    [{ ...FLAGS, strategy: "all_for_one" }, [spec(a)], /Unknown supervisor strategy "all_for_one"/],
    [{ ...FLAGS, intensity: -1 }, [spec(a)], /intensity must be an integer ≥ 0, got -1/],
    [{ ...FLAGS, periodMs: 0 }, [spec(a)], /periodMs must be > 0, got 0/],
    [{ ...FLAGS, backoff: { initialMs: 50, maxMs: 10 } }, [spec(a)], /0 ≤ initialMs ≤ maxMs/],
    [FLAGS, [spec(a), spec(a)], /Child id "a" appears twice/],
    [FLAGS, [{ ...spec(a), id: "Front Door" }], /Child id "Front Door" must match/],
    [FLAGS, [{ ...spec(a), restart: "sometimes" }], /unknown restart policy "sometimes"/],
    [FLAGS, [{ ...spec(a), shutdownMs: -5 }], /shutdownMs must be 0 to 60000, got -5/],
  ] as const;
  for (const [flags, children, pattern] of bad) {
    await assert.rejects(
      Supervisor.start({
        id: "sup",
        flags: flags as unknown as SupervisorFlags,
        children: children as unknown as ChildSpec[],
        events,
      }),
      pattern,
    );
  }
  assert.equal(a.starts, 0);
});
