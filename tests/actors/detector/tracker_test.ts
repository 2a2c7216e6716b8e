import assert from "node:assert/strict";
import type { Detection } from "../../../actors/detector/mod.ts";
import { MAX_TRACKED, ObjectTracker } from "../../../actors/detector/object_tracker.ts";
import { createTriggerClock, triggersFor } from "../../../actors/detector/triggers.ts";
import { createBudget, spend } from "../../../actors/detector/budget.ts";
import type { EventBody } from "../../../actors/events/mod.ts";

function det(label: string, score: number, zones = ["all"], x = 0.1): Detection {
  return {
    classId: label === "person" ? 0 : 2,
    label,
    score,
    box: { x, y: 0.2, w: 0.1, h: 0.3 },
    zones,
  };
}

Deno.test("ObjectTracker reports a label once per zone while it stays, and again after endMs away", () => {
  const t = new ObjectTracker({ endMs: 1000 });
  const first = t.update(
    [det("person", 0.6), det("person", 0.8, ["all"], 0.5), det("car", 0.7)],
    0,
  );
  assert.deepEqual(first.map((e) => [e.label, e.zone, e.score, e.box.x]), [
    ["person", "all", 0.8, 0.5],
    ["car", "all", 0.7, 0.1],
  ]);
  assert.deepEqual(t.update([det("person", 0.9)], 500), []);
  assert.deepEqual(t.update([], 1200), [], "the car left at 0; the person was seen at 500");
  assert.equal(t.present(1200), "person");
  assert.deepEqual(t.update([det("car", 0.5)], 1300).map((e) => e.label), ["car"]);
  assert.equal(t.present(1400), "car");
  assert.deepEqual(t.update([det("person", 0.9)], 1600).map((e) => [e.label, e.atMs]), [[
    "person",
    1600,
  ]]);
  assert.equal(t.present(5000), null);
});

Deno.test("ObjectTracker ends a label endMs after it was last seen: its stay, best score and last box", () => {
  const t = new ObjectTracker({ endMs: 1000 });
  t.update([det("person", 0.6, ["door"], 0.1)], 0);
  t.update([det("person", 0.9, ["door"], 0.3)], 400);
  t.update([det("person", 0.7, ["door"], 0.4)], 800);
  assert.deepEqual(t.ended(1700), [], "seen 900 ms ago");
  assert.deepEqual(t.ended(1800), [{
    type: "object_end",
    atMs: 1800,
    zone: "door",
    label: "person",
    classId: 0,
    score: 0.9,
    box: { x: 0.4, y: 0.2, w: 0.1, h: 0.3 },
    durationMs: 800,
  }]);
  assert.deepEqual(t.ended(5000), [], "an end is said once");
  // Ends found while updating wait for ended(); finish() ends whatever is present.
  t.update([det("car", 0.5)], 6000);
  t.update([det("dog", 0.5)], 7500);
  assert.deepEqual(t.ended(7500).map((e) => [e.label, e.atMs]), [["car", 7000]]);
  assert.deepEqual(t.finish(7600).map((e) => [e.label, e.atMs, e.durationMs]), [["dog", 7600, 0]]);
  assert.equal(t.present(7600), null);
});

Deno.test("ObjectTracker reports each zone a detection counts in, and forgets the stalest past MAX_TRACKED", () => {
  const t = new ObjectTracker({ endMs: 60_000 });
  assert.deepEqual(t.update([det("person", 0.9, ["door", "yard"])], 0).map((e) => e.zone), [
    "door",
    "yard",
  ]);
  for (let i = 0; i < MAX_TRACKED; i++) t.update([det(`thing ${i}`, 0.5)], 1 + i);
  // The first pairs were the stalest: "person" comes back as new in "door".
  assert.deepEqual(t.update([det("person", 0.9, ["door"])], 2000).length, 1);
  assert.throws(
    () => new ObjectTracker({ endMs: -1 }),
    /endMs must be a finite number ≥ 0, got -1/,
  );
});

Deno.test("triggersFor() triggers on start, end and objects, and keeps alive every second while something is present", () => {
  const clock = createTriggerClock();
  const start: EventBody = {
    type: "motion_start",
    atMs: 0,
    zone: "a",
    box: { x: 0, y: 0, w: 1, h: 1 },
    area: 1,
  };
  const object: EventBody = {
    type: "object",
    atMs: 0,
    zone: "a",
    label: "cat",
    classId: 15,
    score: 1,
    box: start.box,
  };
  const lights: EventBody = { type: "global_change", atMs: 0, meanShift: 50, changedFraction: 1 };
  assert.deepEqual(triggersFor(clock, [lights], { atMs: 0, active: null }), []);
  assert.deepEqual(triggersFor(clock, [start, start, object], { atMs: 100, active: "motion" }), [
    "motion",
    "cat",
  ]);
  assert.deepEqual(triggersFor(clock, [], { atMs: 900, active: "motion" }), []);
  assert.deepEqual(triggersFor(clock, [], { atMs: 1100, active: "motion" }), ["motion"]);
  assert.deepEqual(triggersFor(clock, [], { atMs: 2050, active: "cat" }), []);
  assert.deepEqual(triggersFor(clock, [], { atMs: 2100, active: "cat" }), ["cat"]);
  assert.deepEqual(triggersFor(clock, [], { atMs: 9000, active: null }), []);
});

Deno.test("a budget allows its burst at once, then its rate", () => {
  const b = createBudget({ perSecond: 2, burst: 3 });
  assert.deepEqual([0, 0, 0, 0].map(() => spend(b, 0)), [true, true, true, false]);
  assert.equal(spend(b, 400), false);
  assert.equal(spend(b, 500), true);
  assert.equal(spend(b, 600), false);
  assert.equal(spend(b, 10_000), true);
  assert.throws(
    () => createBudget({ perSecond: 0, burst: 1 }),
    /perSecond must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => createBudget({ perSecond: 1, burst: 0.5 }),
    /burst must be an integer ≥ 1, got 0.5/,
  );
});
