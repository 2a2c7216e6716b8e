import assert from "node:assert/strict";
import {
  decodesEveryPicture,
  decodesReferencesOnly,
  DecodeTimes,
  isReference,
  passthroughPipeline,
  passthroughRawFps,
  planMainStream,
} from "../../../actors/camera/passthrough.ts";
import { parseSource } from "../../../actors/camera/source.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { cameraConfig } from "../_camera_tree.ts";

const RTSP = "rtsp://127.0.0.1:8554/stream";

function plan(fields: Record<string, unknown>) {
  const cam = cameraConfig(fields);
  return planMainStream(cam, parseSource(cam.source, cam.pattern)!);
}

Deno.test("planMainStream() passes an rtsp:// source through unless something needs eyrie's own pictures", () => {
  assert.equal(plan({ source: RTSP }).mode, "passthrough");
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ source: RTSP, passthrough: "never" }, /passthrough = "never"/],
    [{ source: RTSP, codec: "mjpeg" }, /codec = "mjpeg"/],
    [{ source: RTSP, timecode: true }, /timecode/],
    [{ source: "test" }, /the test source delivers raw pictures/],
    [{ source: "v4l2:/dev/video0" }, /the v4l2 source delivers raw pictures/],
    [{ source: "file:/tmp/a.mp4" }, /file sources are decoded/],
  ];
  for (const [fields, reason] of cases) {
    const p = plan(fields);
    assert.equal(p.mode, "encoded", JSON.stringify(fields));
    assert.match(p.reason, reason);
  }
});

Deno.test('the config takes passthrough = "auto" or "never" and names the key for anything else', () => {
  assert.equal(cameraConfig({ source: RTSP }).passthrough, "auto");
  assert.throws(() => cameraConfig({ source: RTSP, passthrough: "always" }), /passthrough/);
});

Deno.test("passthroughPipeline() is a pipeline GStreamer builds, with the source's access units only", () => {
  const text = passthroughPipeline({ url: RTSP });
  assert.doesNotMatch(text, /avdec_h264|tee/);
  using p = Pipeline.parse(text);
  assert.ok(p.appSink("es"));
});

Deno.test("DecodeTimes gives x264's decode times to I P B B in decode order, monotonic and never after presentation", () => {
  const f = 1000;
  const times = new DecodeTimes(f);
  // Presentation frames in decode order: I0 P3 B1 B2 P6 B4 B5, then the next GOP's I9 P12 B10 B11.
  const order = [0, 3, 1, 2, 6, 4, 5, 9, 12, 10, 11];
  const dts = order.map((p, i) => times.next(p * f, i === 0 || i === 7, 2));
  assert.deepEqual(dts.slice(0, 7), [-2, -1, 0, 1, 2, 3, 4].map((d) => d * f));
  for (let i = 0; i < order.length; i++) {
    assert.ok(dts[i] <= order[i] * f, `frame ${i}: dts ${dts[i]} after pts ${order[i] * f}`);
    if (i > 0) assert.ok(dts[i] > dts[i - 1], `frame ${i}: dts went back`);
  }
  assert.equal(times.late, 0);
  // A reorder deeper than said: the decode time stays monotonic and the frame is counted.
  const shallow = new DecodeTimes(f);
  [0, 3, 1, 2].forEach((p, i) => shallow.next(p * f, i === 0, 0));
  assert.equal(shallow.late, 1);
});

Deno.test("decodesEveryPicture(): a detector, viewers of a B-frame source, or a sub stream while used", () => {
  const none = cameraConfig({ source: RTSP, detection: { motion: false } });
  assert.equal(passthroughRawFps(none), 1);
  const idle = { forViewers: false, subUsed: false };
  assert.equal(decodesEveryPicture(none, idle), false);
  assert.equal(decodesEveryPicture(none, { forViewers: true, subUsed: false }), true);
  // A sub stream's use counts only on a camera that has one.
  assert.equal(decodesEveryPicture(none, { forViewers: false, subUsed: true }), false);
  const det = cameraConfig({ source: RTSP });
  assert.equal(passthroughRawFps(det), Math.ceil(det.detection.motion_fps));
  assert.equal(decodesEveryPicture(det, idle), true);
  const sub = cameraConfig({
    source: RTSP,
    detection: { motion: false },
    sub: { width: 320, height: 180, bitrate_kbps: 300 },
  });
  assert.equal(decodesEveryPicture(sub, idle), false);
  assert.equal(decodesEveryPicture(sub, { forViewers: false, subUsed: true }), true);
});

Deno.test("isReference() reads nal_ref_idc of the first slice, after delimiters and parameter sets", () => {
  const cases: [string, number[], boolean][] = [
    ["a P slice (nal_ref_idc 2)", [0, 0, 0, 1, 0x41, 0x9a], true],
    ["a B slice nobody refers to (nal_ref_idc 0)", [0, 0, 0, 1, 0x01, 0x9e], false],
    ["an AUD, then a B slice with a 3-byte start code", [
      0,
      0,
      0,
      1,
      0x09,
      0x30,
      0,
      0,
      1,
      0x01,
      0x9e,
    ], false],
    ["SPS, PPS and an IDR slice", [
      0,
      0,
      0,
      1,
      0x67,
      0x64,
      0,
      0,
      0,
      1,
      0x68,
      0xee,
      0,
      0,
      1,
      0x65,
      0x88,
    ], true],
    ["no slice at all", [0, 0, 0, 1, 0x09, 0x10], true],
    ["cut short after a start code", [0, 0, 0, 1], true],
  ];
  for (const [what, bytes, want] of cases) {
    assert.equal(isReference(new Uint8Array(bytes)), want, what);
  }
});

Deno.test("decodesReferencesOnly(): detection alone at a rate well under the camera's", () => {
  const idle = { forViewers: false, subUsed: false };
  const motion = cameraConfig({
    source: "rtsp://h/s",
    fps: 30,
    detection: { motion: true, motion_fps: 5 },
  });
  assert.equal(decodesReferencesOnly(motion, idle), true);
  assert.equal(decodesReferencesOnly(motion, { forViewers: true, subUsed: false }), false);
  const fast = cameraConfig({
    source: "rtsp://h/s",
    fps: 30,
    detection: { motion: true, motion_fps: 20 },
  });
  assert.equal(decodesReferencesOnly(fast, idle), false);
  const none = cameraConfig({ source: "rtsp://h/s", fps: 30, detection: { motion: false } });
  assert.equal(decodesReferencesOnly(none, idle), false);
});
