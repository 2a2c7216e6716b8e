import assert from "node:assert/strict";
import {
  MotionDetector,
  type MotionEvent,
  type MotionStartEvent,
} from "../../../actors/detector/mod.ts";
import { addNoise, fillRect, grayPlane, type Rect } from "./_frames.ts";

const W = 320, H = 180, DT = 200; // 5 fps, as the detector's small ring runs

/** A noisy gray scene (level 60, ±6) with `rect` drawn at 200 on frame `i`. */
function scene(i: number, rect?: Rect): Uint8Array {
  const plane = grayPlane(W, H, { level: 60 });
  if (rect !== undefined) fillRect(plane, W, rect, 200);
  addNoise(plane, 6, 1000 + i);
  return plane;
}

/** Steps every frame at DT apart from t = 0 and returns all events. */
function run(detector: MotionDetector, frames: Iterable<Uint8Array>, startMs = 0): MotionEvent[] {
  const events: MotionEvent[] = [];
  let t = startMs;
  for (const f of frames) {
    events.push(...detector.step(f, t).events);
    t += DT;
  }
  return events;
}

function* moving(
  n: number,
  options: { from?: number; x0?: number; y?: number; size?: number; step?: number } = {},
) {
  const { from = 0, x0 = 20, y = 70, size = 30, step = 10 } = options;
  for (let i = from; i < from + n; i++) yield scene(i, { x: x0 + step * i, y, w: size, h: size });
}

function* still(n: number, from = 0) {
  for (let i = from; i < from + n; i++) yield scene(i);
}

Deno.test("MotionDetector starts motion in the default zone when a square moves, boxed where it is", () => {
  const d = new MotionDetector(W, H);
  const events = run(d, [...still(5), ...moving(10, { from: 5 })]);
  const starts = events.filter((e) => e.kind === "motion_start");
  assert.equal(starts.length, 1);
  const start = starts[0] as MotionStartEvent;
  assert.equal(start.zone, "all");
  // Frames 5 and 6 move (startFrames 2): motion starts on frame 6, square at x = 80.
  assert.equal(start.atMs, 6 * DT);
  assert.ok(Math.abs(start.box.x - 80 / W) <= 1 / W, `box x ${start.box.x * W}`);
  assert.ok(Math.abs(start.box.y - 70 / H) <= 1 / H, `box y ${start.box.y * H}`);
  assert.ok(Math.abs(start.box.w - 30 / W) <= 2 / W, `box w ${start.box.w * W}`);
  assert.ok(Math.abs(start.box.h - 30 / H) <= 2 / H, `box h ${start.box.h * H}`);
  assert.ok(Math.abs(start.area - 900 / (W * H)) < 0.002, `area ${start.area}`);
  assert.equal(d.step(scene(99, { x: 200, y: 70, w: 30, h: 30 }), 15 * DT).active, true);
});

Deno.test("MotionDetector works at a width that is not a multiple of 4 (byte-wise opening)", () => {
  const w = 318, h = 99;
  const frame = (i: number) => {
    const p = grayPlane(w, h, { level: 60 });
    if (i > 0) fillRect(p, w, { x: 10 + 12 * i, y: 30, w: 25, h: 25 }, 200);
    addNoise(p, 6, 50 + i);
    return p;
  };
  const d = new MotionDetector(w, h);
  const events = [0, 1, 2, 3].flatMap((i) => d.step(frame(i), i * DT).events);
  assert.equal(events.length, 1);
  assert.ok(
    events[0].kind === "motion_start" && Math.abs(events[0].box.x * w - 34) <= 1,
    JSON.stringify(events[0]),
  );
});

Deno.test("MotionDetector reports nothing for a static noisy scene", () => {
  const d = new MotionDetector(W, H, { sensitivity: 1 });
  const events = run(d, still(100));
  assert.deepEqual(events, []);
  const last = d.step(scene(100), 100 * DT);
  assert.equal(last.kind, "analysed");
  assert.equal(last.active, false);
  assert.equal(last.readings[0].pixels, 0);
});

Deno.test("MotionDetector reports a brightness jump as a global change, never as motion", () => {
  const d = new MotionDetector(W, H);
  const frames = [...still(5)];
  for (let i = 5; i < 30; i++) {
    const f = scene(i);
    for (let k = 0; k < f.length; k++) f[k] = Math.min(255, f[k] + 70); // lights on
    frames.push(f);
  }
  const events = run(d, frames);
  assert.deepEqual(events.map((e) => e.kind), ["global_change"]);
  const g = events[0];
  assert.ok(g.kind === "global_change" && g.meanShift > 60 && g.atMs === 5 * DT);
});

Deno.test("MotionDetector treats a frame whose pixels all change at an unchanged mean (IR switch) as global", () => {
  const d = new MotionDetector(W, H);
  const checker = (invert: boolean) => {
    const f = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        f[y * W + x] = (((x >> 3) + (y >> 3)) & 1) === Number(invert) ? 40 : 160;
      }
    }
    return f;
  };
  d.step(checker(false), 0);
  const step = d.step(checker(true), DT);
  assert.equal(step.kind, "global_change");
  assert.ok(step.meanShift < 1 && step.changedFraction > 0.99);
  // The following frames settle (re-seed) and then stay quiet.
  assert.equal(d.step(checker(true), 2 * DT).kind, "settling");
  assert.deepEqual(run(d, Array(10).fill(checker(true)), 3 * DT), []);
});

Deno.test("MotionDetector ignores motion inside a mask and still sees it outside", () => {
  const leftHalf = [[0, 0], [0.5, 0], [0.5, 1], [
    0,
    1,
  ]] as const satisfies readonly (readonly [number, number])[];
  const masked = new MotionDetector(W, H, { masks: [leftHalf] });
  assert.deepEqual(run(masked, moving(10, { x0: 10, step: 8 })), []); // x stays below 130 < 160
  const unmasked = new MotionDetector(W, H, { masks: [leftHalf] });
  const events = run(unmasked, moving(10, { x0: 180, step: 8 }));
  assert.equal(events.filter((e) => e.kind === "motion_start").length, 1);
});

Deno.test("MotionDetector names the zone where motion happens and ignores motion outside every zone", () => {
  const zones = [
    { name: "door", polygon: [[0, 0], [0.3, 0], [0.3, 1], [0, 1]] as [number, number][] },
    { name: "yard", polygon: [[0.6, 0], [1, 0], [1, 1], [0.6, 1]] as [number, number][] },
  ];
  const d = new MotionDetector(W, H, { zones });
  assert.deepEqual(d.layout.zones.map((z) => z.name), ["door", "yard"]);
  const inYard = run(d, moving(8, { x0: 200, step: 8 }));
  assert.deepEqual(inYard.map((e) => e.kind === "motion_start" && e.zone), ["yard"]);
  const between = new MotionDetector(W, H, { zones });
  assert.deepEqual(run(between, moving(8, { x0: 105, step: 8, size: 20 })), []); // 105..181 px: the gap 96..192
});

Deno.test("MotionDetector starts after startFrames frames above and ends endMs after the last one", () => {
  const d = new MotionDetector(W, H, { startFrames: 3, endMs: 1000 });
  const blip = (i: number) => scene(i, { x: 100 + 40 * (i % 2), y: 50, w: 30, h: 30 });
  // Two moving frames then quiet: not enough to start.
  assert.deepEqual(run(d, [scene(0), blip(1), blip(2), scene(3), scene(4)]), []);
  const events: MotionEvent[] = [];
  for (let i = 5; i <= 20; i++) {
    events.push(...d.step(i >= 6 && i <= 9 ? blip(i) : scene(i), i * DT).events);
  }
  const [start, end, ...rest] = events;
  assert.deepEqual(rest, []);
  assert.ok(start.kind === "motion_start" && start.atMs === 8 * DT); // frames 6, 7, 8
  assert.ok(end.kind === "motion_end");
  assert.equal(end.atMs, 9 * DT + 1000); // last motion on frame 9, ended 1000 ms later
  assert.equal(end.durationMs, 1 * DT); // from frame 8 to frame 9
  assert.ok(end.peakArea > 0.01);
  assert.ok(
    end.box.x <= 100 / W && end.box.x + end.box.w >= 170 / W,
    "the union box spans both places",
  );
});

Deno.test("MotionDetector ignores moving specks (salt noise over 1 % of the frame) thanks to the opening", () => {
  const d = new MotionDetector(W, H, { sensitivity: 1 });
  const frames = [...still(30)].map((f, i) => {
    for (let k = 0; k < 600; k++) f[(k * 7919 + i * 104729) % f.length] = 255;
    return f;
  });
  const events = run(d, frames);
  assert.deepEqual(events, []);
  assert.ok(d.step(frames[5], 30 * DT).changedFraction > 0.009, "the specks do change pixels");
});

Deno.test("MotionDetector's minimum area drops a small mover unless lowered", () => {
  const small = { x0: 40, step: 9, size: 8 }; // 64 px, 0.11 % of the frame
  assert.deepEqual(run(new MotionDetector(W, H), moving(10, small)), []);
  const events = run(new MotionDetector(W, H, { minArea: 0.0005 }), moving(10, small));
  assert.equal(events.filter((e) => e.kind === "motion_start").length, 1);
  const zoned = new MotionDetector(W, H, {
    zones: [{
      name: "corner",
      polygon: [[0, 0.3], [0.3, 0.3], [0.3, 0.7], [0, 0.7]],
      minArea: 0.005,
    }],
  });
  assert.equal(
    run(zoned, moving(10, small)).length,
    1,
    "a zone's own minArea is a fraction of the zone",
  );
});

Deno.test("MotionDetector maps sensitivity to threshold and minimum area, explicit values winning", () => {
  assert.deepEqual(new MotionDetector(W, H, { sensitivity: 0 }).settings.threshold, 45);
  assert.deepEqual(new MotionDetector(W, H, { sensitivity: 1 }).settings.threshold, 15);
  const mid = new MotionDetector(W, H).settings;
  assert.equal(mid.threshold, 30);
  assert.ok(Math.abs(mid.minArea - 0.00632) < 1e-4);
  assert.equal(new MotionDetector(W, H, { sensitivity: 1, threshold: 50 }).settings.threshold, 50);
});

Deno.test("MotionDetector.finish() ends active motion and reset() re-seeds on the next frame", () => {
  const d = new MotionDetector(W, H);
  run(d, moving(5));
  const ended = d.finish(5 * DT);
  assert.deepEqual(ended.map((e) => e.kind), ["motion_end"]);
  assert.deepEqual(d.finish(6 * DT), []);
  d.reset();
  assert.equal(d.step(scene(7), 7 * DT).kind, "seeded");
  assert.equal(d.step(scene(8), 8 * DT).kind, "analysed");
});

Deno.test("MotionDetector.step() rewrites one result object and rejects bad input", () => {
  const d = new MotionDetector(W, H);
  const a = d.step(scene(0), 0);
  const b = d.step(scene(1), DT);
  assert.equal(a, b);
  assert.equal(a.readings[0].box, b.readings[0].box);
  assert.throws(() => d.step(scene(2), 0), {
    name: "RangeError",
    message: /never decrease, got 0 after 200/,
  });
  assert.throws(() => d.step(new Uint8Array(100), 3 * DT), {
    name: "RangeError",
    message: /needs 57600 bytes, got 100/,
  });
});

Deno.test("MotionDetector rejects bad options, quoting them", () => {
  assert.throws(() => new MotionDetector(W, H, { alpha: 0 }), {
    name: "RangeError",
    message: /"alpha".*got 0/,
  });
  assert.throws(() => new MotionDetector(W, H, { threshold: 12.5 }), {
    name: "RangeError",
    message: /"threshold".*integer.*12.5/,
  });
  assert.throws(
    // @ts-expect-error: a string where a number belongs, as a bad config would give
    () => new MotionDetector(W, H, { sensitivity: "high" }),
    { name: "TypeError", message: /"sensitivity".*"high"/ },
  );
  assert.throws(() => new MotionDetector(1, H), { name: "RangeError", message: /width.*got 1/ });
  assert.throws(
    () => new MotionDetector(W, H, { masks: [[[0, 0], [1, 0], [1, 1], [0, 1]]], zones: [] }),
    { name: "RangeError", message: /Zone "all" covers no pixel/ },
  );
});
