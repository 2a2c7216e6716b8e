import assert from "node:assert/strict";
import {
  type ChildSpec,
  type Clock,
  Supervisor,
  type SupervisorFlags,
} from "../../../actors/supervisor/mod.ts";
import { crasher, EventLog, ManualClock, spec } from "./_tree.ts";

const ISOLATING: SupervisorFlags = {
  strategy: "one_for_one",
  intensity: 2,
  periodMs: 10_000,
  backoff: { initialMs: 100, maxMs: 60_000 },
  onIntensity: "isolate",
};

/** A clock whose sleeps wait until the test releases them (a backoff in progress). */
class HeldClock implements Clock {
  t = 0;
  readonly held: { ms: number; release: () => void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const release = () => resolve();
      signal.addEventListener("abort", release, { once: true });
      this.held.push({ ms, release });
    });
  }
}

Deno.test("isolate: a child past its window is parked as failed and retried after the longest backoff; its sibling and the supervisor run on", async () => {
  const log = new EventLog();
  const clock = new ManualClock();
  const bad = crasher("bad");
  const good = crasher("good");
  const sup = await Supervisor.start({
    id: "root",
    flags: ISOLATING,
    children: [spec(bad), spec(good)],
    events: log.stream,
    clock,
  });
  for (let n = 1; n <= 3; n++) {
    bad.current!.cast({ type: "crash", how: "throw" });
    await log.until(/root: (started|isolated) bad/, n + 1);
  }
  // Two restarts fit the window; the third crash parks the child, then it runs again.
  assert.ok(log.lines.includes("root: isolated bad"), log.lines.join(" | "));
  assert.ok(!log.lines.includes("root: gave up"));
  const isolated = log.events.find((e) => e.type === "isolated");
  assert.equal(isolated?.type === "isolated" && isolated.retryInMs, 60_000);
  assert.deepEqual(clock.sleeps, [100, 200, 60_000]);
  await log.until(/root: started bad/, 4);
  assert.equal(good.starts, 1);
  assert.equal(sup.status().state, "running");
  // Its window starts afresh after the pause: two more crashes are restarts again.
  bad.current!.cast({ type: "crash", how: "throw" });
  await log.until(/root: started bad/, 5);
  assert.equal(log.lines.filter((l) => l === "root: isolated bad").length, 1);
  await sup.stop("shutdown", 5000);
});

Deno.test("a restart waiting out its backoff holds up nothing: a sibling is replaced and the waiting child removed at once", async () => {
  const log = new EventLog();
  const clock = new HeldClock();
  const flaky = crasher("flaky");
  const other = crasher("other");
  const sup = await Supervisor.start({
    id: "root",
    flags: ISOLATING,
    children: [spec(flaky), spec(other)],
    events: log.stream,
    clock,
  });
  flaky.current!.cast({ type: "crash", how: "throw" });
  await log.until(/root: restarting flaky/);
  assert.equal(clock.held.length, 1, "the restart waits on the clock");
  assert.equal(sup.status().children![0].retryInMs, 100);
  // Neither of these may wait for the held backoff.
  await sup.replaceChild(spec(other), "config_changed");
  assert.equal(other.starts, 2);
  await sup.terminateChild("flaky", "removed");
  clock.held[0].release();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(flaky.starts, 1, "a removed child is not restarted by its old backoff");
  assert.deepEqual(sup.status().children!.map((c) => c.id), ["other"]);
  await sup.stop("shutdown", 5000);
});

Deno.test("stop() does not wait for a child that is still starting, and that child is stopped once it runs", async () => {
  const log = new EventLog();
  const slow = crasher("slow");
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let starting!: () => void;
  const started = new Promise<void>((r) => (starting = r));
  const gated: ChildSpec = {
    ...spec(slow),
    start: async () => {
      starting();
      await gate;
      return await spec(slow).start();
    },
  };
  const sup = await Supervisor.start({
    id: "root",
    flags: ISOLATING,
    children: [spec(crasher("quick"))],
    events: log.stream,
  });
  const adding = sup.startChild(gated);
  await started;
  const exit = await sup.stop("shutdown", 2000);
  assert.equal(exit.kind, "normal");
  release();
  await adding;
  await slow.current!.exited;
  assert.equal(slow.current!.exit?.kind, "normal", "stopped as soon as it ran");
});

Deno.test("backoff jitter and onIntensity are validated with the other flags", async () => {
  const log = new EventLog();
  const bad = [
    { ...ISOLATING, backoff: { initialMs: 1, maxMs: 2, jitter: 1 } },
    { ...ISOLATING, backoff: { initialMs: 1, maxMs: 2, jitter: -0.1 } },
    { ...ISOLATING, onIntensity: "ignore" as "isolate" },
  ];
  for (const flags of bad) {
    await assert.rejects(
      Supervisor.start({ id: "root", flags, children: [], events: log.stream }),
      /jitter|onIntensity/,
    );
  }
});
