/**
 * The glass-to-glass stamp: stamp and read back in memory, and through the
 * real camera and encoder actors (x264 at the camera's lowest bitrate),
 * decoded by GStreamer's avdec_h264.
 */
import assert from "node:assert/strict";
import { FrameFormat, rawFrameBytes } from "../../../actors/defs.ts";
import {
  readTimecode,
  stampTimecode,
  TIMECODE_COLS,
  TIMECODE_ROWS,
  timecodeCell,
  timecodeRect,
} from "../../../actors/camera/timecode.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { cameraConfig, readAccessUnits, startTree } from "../_camera_tree.ts";

const NOW = 1_795_964_439_500;

Deno.test("stampTimecode() and readTimecode() round-trip in I420 and NV12 at several sizes", () => {
  for (const [width, height] of [[1280, 720], [640, 480], [320, 240], [64, 48], [1920, 1080]]) {
    for (const format of ["I420", "NV12"] as const) {
      const frame = new Uint8Array(rawFrameBytes(FrameFormat[format], width, height)).fill(90);
      for (const ms of [NOW, 0, 2 ** 44 - 1, NOW + 12_345]) {
        assert.equal(stampTimecode(frame, ms, { format, width, height }), true);
        assert.equal(readTimecode(frame, { width, height }), ms, `${format} ${width}x${height}`);
      }
      // Chroma under the grid is neutral, the rest is untouched.
      const cell = timecodeCell(width, height);
      assert.equal(frame[width * height], 128);
      if (TIMECODE_ROWS * cell < height) assert.equal(frame[width * height - 1], 90);
      if (TIMECODE_COLS * cell < width) {
        assert.equal(frame[TIMECODE_COLS * cell], 90, "right of it");
      }
    }
  }
});

Deno.test("timecodeRect() is exactly the luma stampTimecode() writes, and null where it writes none", () => {
  for (const [width, height] of [[1280, 720], [320, 240], [64, 48], [30, 20], [14, 10]]) {
    const frame = new Uint8Array(rawFrameBytes(FrameFormat.I420, width, height)).fill(90);
    stampTimecode(frame, NOW, { format: "I420", width, height });
    let box: { x0: number; y0: number; x1: number; y1: number } | null = null;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (frame[y * width + x] === 90) continue;
        box ??= { x0: x, y0: y, x1: x + 1, y1: y + 1 };
        box.x0 = Math.min(box.x0, x);
        box.x1 = Math.max(box.x1, x + 1);
        box.y1 = y + 1;
      }
    }
    assert.deepEqual(timecodeRect(width, height), box, `${width}x${height}`);
  }
});

Deno.test("stampTimecode() leaves frames too small for the grid alone, and readTimecode() refuses damage", () => {
  const tiny = new Uint8Array(rawFrameBytes(FrameFormat.I420, 14, 10)).fill(7);
  assert.equal(stampTimecode(tiny, NOW, { format: "I420", width: 14, height: 10 }), false);
  assert.ok(tiny.every((b) => b === 7));
  const frame = new Uint8Array(rawFrameBytes(FrameFormat.I420, 640, 480));
  stampTimecode(frame, NOW, { format: "I420", width: 640, height: 480 });
  // Flip one cell (bit 20): the check nibble no longer matches.
  const y0 = 2 * 16;
  for (let y = y0; y < y0 + 16; y++) {
    for (let x = 4 * 16; x < 5 * 16; x++) frame[y * 640 + x] = 251 - frame[y * 640 + x];
  }
  assert.equal(readTimecode(frame, { width: 640, height: 480 }), null);
  assert.equal(readTimecode(new Uint8Array(640 * 480), { width: 640, height: 480 }), null, "black");
  assert.equal(
    readTimecode(new Uint8Array(640 * 480).fill(235), { width: 640, height: 480 }),
    null,
  );
});

Deno.test("The camera actor's stamps survive x264 at 1 Mbps and decode back to each frame's capture time", async () => {
  await using tree = await startTree(cameraConfig({
    source: "test",
    pattern: "snow", // the hardest picture to compress around the grid
    width: 640,
    height: 480,
    fps: 30,
    encoder: "x264",
    bitrate_kbps: 1000,
    min_bitrate_kbps: 1000,
    timecode: true,
  }));
  const { bytes, units } = await readAccessUnits(tree.node.rings.au, 45);
  using p = Pipeline.parse(
    "appsrc name=src caps=video/x-h264,stream-format=byte-stream,alignment=au ! h264parse ! " +
      "avdec_h264 ! video/x-raw,format=I420 ! appsink name=out sync=false",
  );
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  src.push(bytes, { pts: 0 });
  src.endOfStream();
  const stamps: number[] = [];
  const y = new Uint8Array(640 * 480 * 3 / 2);
  for (;;) {
    const s = await sink.pullAsync({ timeoutMs: 5000 });
    if (s === null) break;
    s.copyTo(y);
    const ms = readTimecode(y, { width: 640, height: 480 });
    assert.notEqual(ms, null, `frame ${stamps.length} has a readable stamp`);
    stamps.push(ms!);
  }
  assert.equal(stamps.length, units.length);
  for (let i = 0; i < stamps.length; i++) {
    // The stamp and the ring's capture time are read together, on the same machine.
    const captureMs = units[i].captureNs / 1e6;
    assert.ok(Math.abs(captureMs - stamps[i]) < 20, `frame ${i}: ${stamps[i]} vs ${captureMs}`);
    // Whole milliseconds: two frames copied in the same millisecond (a camera Worker catching
    // up after a stall on a loaded machine) carry the same stamp.
    if (i > 0) {
      assert.ok(
        stamps[i] >= stamps[i - 1],
        `capture times never go back: frame ${i} ${stamps[i]} after ${stamps[i - 1]}`,
      );
    }
  }
});
