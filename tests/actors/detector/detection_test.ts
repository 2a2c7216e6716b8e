import assert from "node:assert/strict";
import { detectionZones, type Zone } from "../../../actors/detector/mod.ts";

const driveway: Zone = { name: "driveway", polygon: [[0, 0.6], [0.5, 0.6], [0.5, 1], [0, 1]] };
const porch: Zone = {
  name: "porch",
  polygon: [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1]],
  classes: ["person"],
};

Deno.test("detectionZones() places a box by its bottom-centre", () => {
  // A car whose box overlaps the driveway but whose wheels stand above it.
  const passing = { x: 0.1, y: 0.2, w: 0.3, h: 0.35 };
  assert.equal(detectionZones(passing, "car", { zones: [driveway], masks: [] }), null);
  const parked = { x: 0.1, y: 0.4, w: 0.3, h: 0.3 };
  assert.deepEqual(detectionZones(parked, "car", { zones: [driveway], masks: [] }), ["driveway"]);
});

Deno.test("detectionZones() honours a zone's classes, masks, and the whole-frame default", () => {
  const atPorch = { x: 0.6, y: 0.5, w: 0.2, h: 0.3 };
  assert.deepEqual(detectionZones(atPorch, "person", { zones: [driveway, porch], masks: [] }), [
    "porch",
  ]);
  assert.equal(detectionZones(atPorch, "dog", { zones: [driveway, porch], masks: [] }), null);
  assert.deepEqual(detectionZones(atPorch, "dog", { zones: [], masks: [] }), ["all"]);
  const tv: [number, number][] = [[0.55, 0.7], [0.9, 0.7], [0.9, 0.9], [0.55, 0.9]];
  assert.equal(detectionZones(atPorch, "person", { zones: [], masks: [tv] }), null);
  const resting = { x: 0.1, y: 0.7, w: 0.2, h: 0.3 }; // touches the bottom edge
  assert.deepEqual(detectionZones(resting, "car", { zones: [driveway], masks: [] }), ["driveway"]);
});
