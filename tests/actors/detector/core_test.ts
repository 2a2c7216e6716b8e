// The detector core with the real motion detector and a real onnxruntime
// model (the square finder), fed I420 frames directly: what the actor's
// Worker does with each frame from its ring.
import assert from "node:assert/strict";
import { DetectorCore } from "../../../actors/detector/core.ts";
import { YoloModel } from "../../../actors/detector/mod.ts";
import type { EventBody } from "../../../actors/events/mod.ts";
import { cameraConfig } from "../_camera_tree.ts";
import { colourFrame } from "./_frames.ts";
import { buildSquareFinder } from "./_models.ts";

const W = 320, H = 180, FRAME_MS = 200;
const T0 = 1_800_000_000_000;

function squareAt(x: number): Uint8Array {
  return colourFrame(W, H, { rects: [{ x, y: 70, w: 40, h: 40, rgb: [255, 255, 255] }] }).data;
}

function run(detection: Record<string, unknown>) {
  const det = cameraConfig({ detection }).detection;
  const events: { event: EventBody; snapshot: boolean }[] = [];
  const triggers: { atMs: number; kind: string }[] = [];
  const errors: Error[] = [];
  let now = T0;
  const core = new DetectorCore(det, {
    now: () => now,
    out: {
      events: (es, frame) =>
        events.push(...es.map((event) => ({ event, snapshot: frame !== null }))),
      trigger: (atNs, kind) => triggers.push({ atMs: atNs / 1e6 - T0, kind }),
      detectError: (e) => errors.push(e),
    },
  });
  return {
    core,
    events,
    triggers,
    errors,
    /** Feeds `frames` one every FRAME_MS, letting each detection finish before the next frame. */
    async feed(frames: Uint8Array[]) {
      for (const f of frames) {
        core.frame(f, now * 1e6);
        await core.settle();
        now += FRAME_MS;
      }
    },
    kinds: () =>
      events.map((e) => e.event.type === "object" ? `object:${e.event.label}` : e.event.type),
  };
}

Deno.test("DetectorCore detects objects only while motion lasts when only_on_motion is set", async () => {
  await using model = await YoloModel.load(buildSquareFinder({ size: 128 }));
  const r = run({ only_on_motion: true, max_fps: 2, end_ms: 1000 });
  r.core.model = model;
  const still = squareAt(40);
  await r.feed(Array(5).fill(still));
  assert.deepEqual(
    [r.kinds(), r.core.counts.detections],
    [[], 0],
    "a still square is not looked at",
  );
  await r.feed([60, 80, 100, 120, 140, 160].map(squareAt));
  assert.deepEqual(r.kinds(), ["motion_start", "object:person"]);
  const object = r.events[1].event;
  assert.ok(object.type === "object" && object.zone === "all" && object.score > 0.9);
  assert.ok(
    Math.abs(object.box.w * W - 40) <= 3 && Math.abs(object.box.h * H - 40) <= 3,
    JSON.stringify(object.box),
  );
  assert.deepEqual(r.events.map((e) => e.snapshot), [true, true]);
  const detections = r.core.counts.detections;
  assert.ok(detections >= 2 && detections <= 3, `${detections} detections in 1.2 s at max_fps 2`);
  // It stops; once the background has learnt the new picture (about 3 / alpha frames), motion
  // ends end_ms later and detection stops with it; the person, no longer looked at, ends end_ms
  // after it was last seen.
  await r.feed(Array(80).fill(squareAt(160)));
  assert.deepEqual(r.kinds(), ["motion_start", "object:person", "motion_end", "object_end"]);
  assert.equal(r.core.motionActive, false);
  const after = r.core.counts.detections;
  await r.feed(Array(5).fill(squareAt(160)));
  assert.equal(r.core.counts.detections, after);
  // Triggers: motion at its start, the person, keep-alives every second, and the end.
  const kinds = r.triggers.map((t) => t.kind);
  assert.equal(kinds[0], "motion");
  assert.ok(kinds.includes("person"));
  assert.equal(r.triggers.at(-1)!.atMs, r.events[2].event.atMs - T0);
  const gaps = r.triggers.slice(1).map((t, i) => t.atMs - r.triggers[i].atMs);
  assert.ok(gaps.every((g) => g <= 1000 + FRAME_MS), `gaps ${gaps}`);
});

Deno.test("DetectorCore without motion detects on every allowed frame, and a failing model only counts errors", async () => {
  const model = await YoloModel.load(buildSquareFinder({ size: 128 }));
  const r = run({ motion: false, max_fps: 5, end_ms: 1000 });
  r.core.model = model;
  await r.feed(Array(5).fill(squareAt(40)));
  assert.deepEqual(r.kinds(), ["object:person"]);
  assert.equal(r.core.counts.detections, 5);
  await model.close();
  await r.feed(Array(3).fill(squareAt(40)));
  assert.equal(r.core.counts.detectErrors, 3);
  assert.equal(r.errors.length, 3);
  assert.equal(r.core.counts.detections, 5);
});

Deno.test("DetectorCore.finish() ends motion in progress", async () => {
  const r = run({ end_ms: 60_000 });
  await r.feed([40, 60, 80, 100].map(squareAt));
  assert.deepEqual(r.kinds(), ["motion_start"]);
  r.core.finish();
  assert.deepEqual(r.kinds(), ["motion_start", "motion_end"]);
  assert.equal(r.events[1].snapshot, false);
});
