// The motion steps one by one, as pure functions over preallocated state.
import assert from "node:assert/strict";
import {
  createBackground,
  createChangeMask,
  createReadings,
  createZoneState,
  differenceMask,
  isGlobalChange,
  layoutZones,
  measureZones,
  openMask,
  openMaskPacked,
  seedBackground,
  stepZoneState,
  updateBackground,
} from "../../../actors/detector/mod.ts";
import { fillRect, grayPlane } from "./_frames.ts";
import { seededRandom } from "./_onnx.ts";

Deno.test("updateBackground() moves the model alpha of the way each frame and converges", () => {
  const bg = createBackground(4, 2);
  seedBackground(bg, new Uint8Array(8).fill(100));
  updateBackground(bg, new Uint8Array(8).fill(200), 0.25);
  assert.equal(bg.mean[0], 125);
  for (let i = 0; i < 60; i++) updateBackground(bg, new Uint8Array(8).fill(200), 0.25);
  assert.ok(Math.abs(bg.mean[7] - 200) < 0.01);
});

Deno.test("differenceMask() marks pixels beyond the threshold either way and takes both means", () => {
  const bg = createBackground(2, 2);
  seedBackground(bg, Uint8Array.of(100, 100, 100, 100));
  const out = differenceMask(createChangeMask(2, 2), Uint8Array.of(100, 131, 69, 130), {
    background: bg,
    threshold: 30,
  });
  assert.deepEqual([...out.bits], [0, 1, 1, 0]);
  assert.equal(out.changed, 2);
  assert.equal(out.frameMean, 107.5);
  assert.equal(out.backgroundMean, 100);
  assert.equal(isGlobalChange(out, { maxShift: 5, maxFraction: 1 }), true);
  assert.equal(isGlobalChange(out, { maxShift: 10, maxFraction: 0.6 }), false);
  assert.equal(isGlobalChange(out, { maxShift: 10, maxFraction: 0.4 }), true);
});

Deno.test("differenceMask() with alpha learns in the same pass exactly as updateBackground()", () => {
  const frame = Uint8Array.of(0, 50, 200, 255);
  const fused = createBackground(2, 2);
  const separate = createBackground(2, 2);
  seedBackground(fused, Uint8Array.of(100, 100, 100, 100));
  seedBackground(separate, Uint8Array.of(100, 100, 100, 100));
  const a = differenceMask(createChangeMask(2, 2), frame, {
    background: fused,
    threshold: 60,
    alpha: 0.1,
  });
  const b = differenceMask(createChangeMask(2, 2), frame, { background: separate, threshold: 60 });
  updateBackground(separate, frame, 0.1);
  assert.deepEqual([...a.bits], [...b.bits]);
  assert.deepEqual([...a.bits], [1, 0, 1, 1]);
  assert.equal(a.backgroundMean, 100, "compared with the background from before");
  assert.deepEqual(fused.mean, separate.mean);
});

Deno.test("openMask() removes specks and thin lines and gives a blob its size back, at the border too", () => {
  const w = 16, h = 10;
  const mask = new Uint8Array(w * h);
  fillRect(mask, w, { x: 0, y: 2, w: 5, h: 4 }, 1); // blob on the left border
  mask[8 * w + 12] = 1; // speck
  fillRect(mask, w, { x: 8, y: 0, w: 1, h: 10 }, 1); // 1-px line
  fillRect(mask, w, { x: 12, y: 2, w: 2, h: 5 }, 1); // 2-px bar
  const before = mask.slice();
  openMask(mask, new Uint8Array(w * h), { width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inBlob = x < 5 && y >= 2 && y < 6;
      assert.equal(mask[y * w + x], inBlob ? 1 : 0, `pixel ${x},${y} (was ${before[y * w + x]})`);
    }
  }
});

Deno.test("openMaskPacked() gives exactly openMask()'s result, four pixels a word", () => {
  const random = seededRandom(11);
  for (const [w, h] of [[4, 3], [8, 2], [12, 7], [320, 180]]) {
    for (const density of [0.1, 0.5, 0.9]) {
      const bytes = new Uint8Array(w * h).map(() => (random() < density ? 1 : 0));
      const packed = new Uint8Array(bytes);
      openMask(bytes, new Uint8Array(w * h), { width: w, height: h });
      openMaskPacked(new Uint32Array(packed.buffer), new Uint32Array(w * h / 4), {
        width: w,
        height: h,
      });
      assert.deepEqual(packed, bytes, `${w}x${h} at density ${density}`);
    }
  }
  assert.throws(
    () => openMaskPacked(new Uint32Array(3), new Uint32Array(3), { width: 6, height: 2 }),
    {
      name: "RangeError",
      message: /divisible by 4, got 6/,
    },
  );
});

Deno.test("measureZones() counts moving pixels per zone and boxes them in normalised units", () => {
  const layout = layoutZones(20, 10, {
    zones: [
      { name: "left", polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] },
      { name: "all", polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] },
    ],
  });
  const mask = grayPlane(20, 10, { level: 0 });
  fillRect(mask, 20, { x: 8, y: 3, w: 4, h: 2 }, 1);
  const readings = createReadings(layout);
  measureZones(readings, mask, layout);
  assert.deepEqual(readings[0], {
    zone: "left",
    pixels: 4,
    area: 4 / 100,
    box: { x: 0.4, y: 0.3, w: 0.1, h: 0.2 },
  });
  assert.deepEqual(readings[1], {
    zone: "all",
    pixels: 8,
    area: 8 / 200,
    box: { x: 0.4, y: 0.3, w: 0.2, h: 0.2 },
  });
});

Deno.test("stepZoneState() is a pure state machine over (reading, time)", () => {
  const s = createZoneState("door");
  const reading = { zone: "door", pixels: 10, area: 0.1, box: { x: 0.1, y: 0.1, w: 0.1, h: 0.1 } };
  const o = { startFrames: 2, endMs: 500 };
  assert.equal(stepZoneState(s, reading, { ...o, nowMs: 0, above: true }), null);
  assert.deepEqual(stepZoneState(s, reading, { ...o, nowMs: 100, above: true }), {
    kind: "motion_start",
    zone: "door",
    box: { x: 0.1, y: 0.1, w: 0.1, h: 0.1 },
    area: 0.1,
    atMs: 100,
  });
  reading.box.x = 0.5;
  reading.area = 0.3;
  assert.equal(stepZoneState(s, reading, { ...o, nowMs: 300, above: true }), null);
  assert.equal(stepZoneState(s, reading, { ...o, nowMs: 799, above: false }), null);
  const end = stepZoneState(s, reading, { ...o, nowMs: 800, above: false });
  assert.deepEqual(end, {
    kind: "motion_end",
    zone: "door",
    durationMs: 200,
    box: { x: 0.1, y: 0.1, w: 0.5, h: 0.1 },
    peakArea: 0.3,
    atMs: 800,
  });
});
