import assert from "node:assert/strict";
import { FrameFormat } from "../../../actors/defs.ts";
import {
  inputToFrameX,
  inputToFrameY,
  Letterbox,
  letterboxGeometry,
  PAD_VALUE,
} from "../../../actors/detector/mod.ts";
import { colourFrame, grayFrame, type Rgb } from "./_frames.ts";

Deno.test("letterboxGeometry() fits the frame, keeps its aspect and centres it between bars", () => {
  const wide = letterboxGeometry(320, 180, { size: 640 });
  assert.deepEqual(wide, {
    size: 640,
    srcWidth: 320,
    srcHeight: 180,
    width: 640,
    height: 360,
    left: 0,
    top: 140,
    scaleX: 2,
    scaleY: 2,
  });
  const tall = letterboxGeometry(180, 320, { size: 640 });
  assert.deepEqual([tall.width, tall.height, tall.left, tall.top], [360, 640, 140, 0]);
  const odd = letterboxGeometry(333, 200, { size: 640 });
  assert.deepEqual([odd.width, odd.height, odd.left, odd.top], [640, 384, 0, 128]);
  const down = letterboxGeometry(1280, 720, { size: 320 });
  assert.deepEqual([down.width, down.height, down.left, down.top, down.scaleX], [
    320,
    180,
    0,
    70,
    0.25,
  ]);
});

Deno.test("inputToFrameX/Y() undo the letterbox: frame → input → frame is the identity", () => {
  const g = letterboxGeometry(333, 200, { size: 640 });
  for (const [x, y] of [[0, 0], [333, 200], [100.5, 37.25]]) {
    const ix = x * g.scaleX + g.left, iy = y * g.scaleY + g.top;
    assert.ok(Math.abs(inputToFrameX(g, ix) - x) < 1e-9);
    assert.ok(Math.abs(inputToFrameY(g, iy) - y) < 1e-9);
  }
  assert.equal(inputToFrameY(letterboxGeometry(320, 180, { size: 640 }), 140), 0);
});

Deno.test("Letterbox.fill() writes grey bars of 114/255 and a gray frame into all three channels", () => {
  const lb = new Letterbox(32, 18, { size: 64 });
  const frame = grayFrame(32, 18, [], 0);
  frame.data.fill(200);
  const t = lb.fill(frame);
  assert.equal(t, lb.tensor);
  assert.equal(t.length, 3 * 64 * 64);
  const plane = 64 * 64;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 64; y++) {
      const inside = y >= 14 && y < 50;
      for (const x of [0, 31, 63]) {
        assert.equal(
          t[c * plane + y * 64 + x],
          inside ? Math.fround(200 / 255) : Math.fround(PAD_VALUE),
          `c${c} ${x},${y}`,
        );
      }
    }
  }
});

Deno.test("Letterbox.fill() resamples bilinearly with pixel centres aligned", () => {
  const frame = grayFrame(4, 2);
  frame.data.set([0, 100, 200, 255, 0, 100, 200, 255]);
  const lb = new Letterbox(4, 2, { size: 8 }); // 2x up: content 8x4 at top 2
  const row = Array.from(
    lb.fill(frame).subarray(3 * 8, 4 * 8),
    (v) => Math.round(v * 255 * 100) / 100,
  );
  // Source x for output o is (o + 0.5) / 2 - 0.5, clamped to 0..3.
  assert.deepEqual(row, [0, 25, 75, 125, 175, 213.75, 241.25, 255]);
});

Deno.test("Letterbox.fill() converts I420 and NV12 to RGB with BT.601 limited range", () => {
  const colours: [Rgb, Rgb][] = [
    [[255, 0, 0], [1, 0, 0]],
    [[0, 255, 0], [0, 1, 0]],
    [[0, 0, 255], [0, 0, 1]],
    [[255, 255, 255], [1, 1, 1]],
    [[128, 128, 128], [0.5, 0.5, 0.5]],
    [[30, 60, 200], [30 / 255, 60 / 255, 200 / 255]],
  ];
  for (const [rgb, expected] of colours) {
    for (const format of [FrameFormat.I420, FrameFormat.NV12] as const) {
      const lb = new Letterbox(16, 8, { size: 16 });
      const t = lb.fill(colourFrame(16, 8, { format, background: rgb }));
      const at = 8 * 16 + 8;
      for (let c = 0; c < 3; c++) {
        assert.ok(
          Math.abs(t[c * 256 + at] - expected[c]) < 0.02,
          `${rgb} format ${format} channel ${c}: ${t[c * 256 + at]}`,
        );
      }
    }
  }
});

Deno.test("Letterbox.fill() places a coloured square where the geometry says, chroma included", () => {
  const frame = colourFrame(64, 36, { rects: [{ x: 10, y: 6, w: 12, h: 8, rgb: [255, 0, 0] }] });
  const lb = new Letterbox(64, 36, { size: 128 }); // 2x, top 28
  const t = lb.fill(frame);
  const red = (x: number, y: number) => t[(28 + y) * 128 + x];
  const green = (x: number, y: number) => t[128 * 128 + (28 + y) * 128 + x];
  assert.ok(red(30, 18) > 0.95 && green(30, 18) < 0.05, "inside the square");
  assert.ok(red(10, 18) < 0.05, "left of it");
  assert.ok(red(30, 40) < 0.05, "below it");
});

Deno.test("Letterbox.fill() rejects frames of another size, format or length", () => {
  const lb = new Letterbox(32, 18, { size: 64 });
  assert.throws(() => lb.fill(grayFrame(30, 18)), {
    name: "RangeError",
    message: /takes 32x18 frames, got 30x18/,
  });
  assert.throws(() => lb.fill({ ...grayFrame(32, 18), format: FrameFormat.JPEG }), {
    name: "TypeError",
    message: /format 17 cannot be analysed/,
  });
  assert.throws(() => lb.fill({ ...grayFrame(32, 18), format: FrameFormat.I420 }), {
    name: "RangeError",
    message: /needs 864 bytes, got 576/,
  });
  assert.throws(() => new Letterbox(32, 18, { size: 4 }), {
    name: "RangeError",
    message: /"size".*got 4/,
  });
});
