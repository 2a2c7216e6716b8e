// The timecode stamp's region in the detector's frames, checked through the
// camera's own Downscaler and stamper, and the motion detector's use of it.
import assert from "node:assert/strict";
import { Downscaler } from "../../../actors/camera/downscale.ts";
import { stampTimecode, timecodeRect } from "../../../actors/camera/timecode.ts";
import { FrameFormat, rawFrameBytes } from "../../../actors/defs.ts";
import {
  layoutZones,
  MotionDetector,
  type MotionEvent,
  STAMP_MARGIN_PX,
  timecodeRegion,
} from "../../../actors/detector/mod.ts";

const NOW = 1_795_964_439_500;

/** A camera frame of flat gray, with the stamp of `ms` (or none) and a white square at `squareX`. */
function cameraFrame(
  width: number,
  height: number,
  options: { ms?: number; squareX?: number } = {},
): Uint8Array {
  const frame = new Uint8Array(rawFrameBytes(FrameFormat.I420, width, height)).fill(90);
  frame.fill(128, width * height);
  if (options.squareX !== undefined) {
    const side = Math.floor(height / 4);
    const y0 = height - side - 4;
    for (let y = y0; y < y0 + side; y++) {
      frame.fill(235, y * width + options.squareX, y * width + options.squareX + side);
    }
  }
  if (options.ms !== undefined) stampTimecode(frame, options.ms, { format: "I420", width, height });
  return frame;
}

const SIZES: [camera: [number, number], detection: [number, number]][] = [
  [[1280, 720], [320, 180]],
  [[320, 240], [320, 180]],
  [[1920, 1080], [320, 180]],
  [[640, 480], [160, 120]],
  [[1000, 562], [334, 188]],
  [[64, 48], [32, 32]],
];

Deno.test("timecodeRegion() holds every detector pixel the stamp changes, through the camera's Downscaler", () => {
  for (const [[sw, sh], [dw, dh]] of SIZES) {
    const scaler = new Downscaler({ srcWidth: sw, srcHeight: sh, dstWidth: dw, dstHeight: dh });
    const plain = new Uint8Array(scaler.outputBytes);
    const stamped = new Uint8Array(scaler.outputBytes);
    scaler.scale(cameraFrame(sw, sh), plain);
    scaler.scale(cameraFrame(sw, sh, { ms: NOW }), stamped);
    const region = timecodeRegion({
      timecode: true,
      width: sw,
      height: sh,
      detection: { width: dw, height: dh },
    });
    assert.ok(region !== null);
    let x1 = 0, y1 = 0;
    for (let y = 0; y < dh; y++) {
      for (let x = 0; x < dw; x++) {
        if (plain[y * dw + x] === stamped[y * dw + x]) continue;
        const label: string = `${sw}x${sh} → ${dw}x${dh}: (${x}, ${y}) outside ${
          JSON.stringify(region)
        }`;
        assert.ok(x >= region.x0 && x < region.x1 && y >= region.y0 && y < region.y1, label);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      }
    }
    // No wider than the pixels the stamp reaches, plus the margin.
    assert.deepEqual(region, {
      x0: 0,
      y0: 0,
      x1: Math.min(dw, x1 + STAMP_MARGIN_PX),
      y1: Math.min(dh, y1 + STAMP_MARGIN_PX),
    }, `${sw}x${sh} → ${dw}x${dh}`);
  }
});

Deno.test("timecodeRegion() is null without timecode, and for a frame too small to stamp", () => {
  const detection = { width: 320, height: 180 };
  assert.equal(timecodeRegion({ timecode: false, width: 1280, height: 720, detection }), null);
  assert.equal(timecodeRect(14, 10), null);
  assert.equal(
    timecodeRegion({ timecode: true, width: 14, height: 10, detection: { width: 14, height: 10 } }),
    null,
  );
});

Deno.test("MotionDetector with the stamp's region: a stamp that changes every frame is no motion, a moving square is", () => {
  const [sw, sh, dw, dh] = [640, 480, 320, 180];
  const scaler = new Downscaler({ srcWidth: sw, srcHeight: sh, dstWidth: dw, dstHeight: dh });
  const stamp = timecodeRegion({
    timecode: true,
    width: sw,
    height: sh,
    detection: { width: dw, height: dh },
  });
  const small = new Uint8Array(scaler.outputBytes);
  const run = (options: { stamp: typeof stamp; moving: boolean }) => {
    const d = new MotionDetector(dw, dh, { stamp: options.stamp });
    const events: MotionEvent[] = [];
    for (let i = 0; i < 50; i++) {
      // 10 fps for 5 s: the stamp's low bits change on every frame.
      const squareX = options.moving ? 200 + i * 5 : undefined;
      scaler.scale(cameraFrame(sw, sh, { ms: NOW + i * 100, squareX }), small);
      events.push(...d.step(small, i * 100).events);
    }
    return events;
  };
  // Without the region, the stamp alone is motion: what `timecode = true` used to do.
  assert.deepEqual(run({ stamp: null, moving: false }).map((e) => e.kind), ["motion_start"]);
  assert.deepEqual(run({ stamp, moving: false }), []);
  const moving = run({ stamp, moving: true });
  assert.deepEqual(moving.map((e) => e.kind), ["motion_start"]);
  const start = moving[0];
  assert.ok(start.kind === "motion_start" && start.box.x > stamp!.x1 / dw, JSON.stringify(start));
});

Deno.test("layoutZones() refuses a zone that lies wholly under the timecode stamp", () => {
  const zone = {
    name: "corner",
    polygon: [[0, 0], [0.1, 0], [0.1, 0.1], [0, 0.1]] as [number, number][],
  };
  assert.throws(
    () => layoutZones(320, 180, { zones: [zone], stamp: { x0: 0, y0: 0, x1: 40, y1: 30 } }),
    /Zone "corner" covers no pixel of a 320x180 frame outside the masks and the timecode stamp/,
  );
  assert.equal(layoutZones(320, 180, { zones: [zone] }).zones[0].pixels, 32 * 18);
});
