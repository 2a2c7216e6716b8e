// Motion on frames from GStreamer's videotestsrc: real frames the project did not draw.
import assert from "node:assert/strict";
import { MotionDetector, type MotionEvent, type MotionStep } from "../../../actors/detector/mod.ts";
import { videotestsrcGray } from "./_gst.ts";

const W = 320, H = 180, FRAMES = 60;
const frameMs = (i: number) => (i * 1000) / 30;

function runAll(
  d: MotionDetector,
  frames: Uint8Array[],
  onStep?: (s: MotionStep) => void,
): MotionEvent[] {
  const events: MotionEvent[] = [];
  frames.forEach((f, i) => {
    const step = d.step(f, frameMs(i));
    events.push(...step.events);
    onStep?.(step);
  });
  return events;
}

Deno.test("videotestsrc pattern=ball: the moving ball starts motion and is tracked across the frame", async () => {
  const frames = await videotestsrcGray("ball", { width: W, height: H, frames: FRAMES });
  const d = new MotionDetector(W, H);
  const xs: number[] = [];
  const events = runAll(d, frames, (s) => {
    if (s.readings[0].pixels > 0) xs.push(s.readings[0].box.x + s.readings[0].box.w / 2);
  });
  assert.equal(events.length, 1, JSON.stringify(events));
  const start = events[0];
  assert.ok(start.kind === "motion_start" && start.zone === "all");
  assert.ok(start.atMs <= frameMs(3), `started at ${start.atMs} ms`);
  // The ball is about 15 % of the width and 25 % of the height at this size.
  assert.ok(
    start.box.w > 0.1 && start.box.w < 0.25 && start.box.h > 0.15 && start.box.h < 0.35,
    JSON.stringify(start.box),
  );
  assert.equal(d.step(frames[FRAMES - 1], frameMs(FRAMES)).active, true);
  assert.ok(Math.max(...xs) - Math.min(...xs) > 0.2, "the box follows the ball");
});

Deno.test("videotestsrc pattern=smpte75 (static bars): no event in 60 frames", async () => {
  const frames = await videotestsrcGray("smpte75", { width: W, height: H, frames: FRAMES });
  const d = new MotionDetector(W, H, { sensitivity: 1 });
  const kinds = new Set<string>();
  assert.deepEqual(runAll(d, frames, (s) => kinds.add(s.kind)), []);
  assert.deepEqual([...kinds], ["seeded", "analysed"]);
});

Deno.test("videotestsrc pattern=smpte: its animated noise patch is motion, and a mask over it silences it", async () => {
  const frames = await videotestsrcGray("smpte", { width: W, height: H, frames: FRAMES });
  const open = runAll(new MotionDetector(W, H), frames);
  assert.equal(open.length, 1);
  assert.ok(
    open[0].kind === "motion_start" && open[0].box.x >= 0.74 && open[0].box.y >= 0.74,
    JSON.stringify(open[0]),
  );
  const patch: [number, number][] = [[0.72, 0.72], [1, 0.72], [1, 1], [0.72, 1]];
  assert.deepEqual(runAll(new MotionDetector(W, H, { masks: [patch] }), frames), []);
});

Deno.test("videotestsrc pattern=snow: every pixel changing is a global change, not motion", async () => {
  const frames = await videotestsrcGray("snow", { width: W, height: H, frames: 20 });
  const events = runAll(new MotionDetector(W, H), frames);
  assert.deepEqual(events.map((e) => e.kind), ["global_change"]);
});
