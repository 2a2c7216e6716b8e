import assert from "node:assert/strict";
import { elementAvailable, Pipeline } from "../../../ffi/gst/mod.ts";
import {
  candidatesFor,
  encoderPipeline,
  framePts,
  H264_ORDER,
  pushPts,
} from "../../../actors/encoder/candidates.ts";
import { LatencyWindow } from "../../../actors/encoder/latency.ts";

const SETTINGS = { width: 320, height: 240, fps: 30, bitrateKbps: 1000, gop: 30, jpegQuality: 80 };

Deno.test("auto tries hardware encoders first, in the design's order", () => {
  assert.deepEqual(candidatesFor({ codec: "h264", encoder: "auto" }).map((c) => c.element), [
    "v4l2h264enc",
    "nvh264enc",
    "vah264enc",
    "vaapih264enc",
    "x264enc",
    "openh264enc",
  ]);
  assert.deepEqual(candidatesFor({ codec: "h264", encoder: "vaapi" }).map((c) => c.element), [
    "vah264enc",
    "vaapih264enc",
  ]);
  assert.deepEqual(candidatesFor({ codec: "mjpeg", encoder: "auto" }).map((c) => c.element), [
    "jpegenc",
  ]);
});

Deno.test("every installed encoder's pipeline parses; the missing ones name their Debian package", () => {
  for (const c of [...H264_ORDER, ...candidatesFor({ codec: "mjpeg", encoder: "auto" })]) {
    const text = encoderPipeline(c, SETTINGS, "I420");
    if (elementAvailable(c.element)) {
      using p = Pipeline.parse(text);
      assert.ok(p.element("enc"));
    } else {
      assert.throws(() => Pipeline.parse(text), (e: Error) => {
        assert.match(e.message, new RegExp(c.element));
        assert.match(e.message, /gstreamer1\.0-/);
        return true;
      });
    }
  }
});

Deno.test("LatencyWindow reports nearest-rank percentiles over its last samples", () => {
  const w = new LatencyWindow(4);
  assert.equal(w.percentile(50), 0);
  for (const ms of [100, 1, 2, 3, 4]) w.record(ms);
  assert.equal(w.percentile(50), 2);
  assert.equal(w.percentile(95), 4);
});

Deno.test("encoderPipeline() scales frames of another size (the sub stream's encoder) before encoding, and GStreamer parses it", () => {
  const x264 = H264_ORDER.find((c) => c.element === "x264enc")!;
  const s = { width: 320, height: 180, fps: 15, bitrateKbps: 300, gop: 15, jpegQuality: 85 };
  const text = encoderPipeline(x264, s, "I420", { width: 1280, height: 720 });
  assert.match(
    text,
    /caps=video\/x-raw,format=I420,width=1280,height=720,framerate=15\/1 ! videoscale ! video\/x-raw,width=320,height=180 ! videoconvert ! x264enc/,
  );
  assert.doesNotMatch(encoderPipeline(x264, s, "I420"), /videoscale/);
  using p = Pipeline.parse(text);
  assert.ok(p.element("enc"));
});

Deno.test("encoderPipeline() gives every hardware encoder its own scaler for the sub stream, and videoscale when that is not here", () => {
  const s = { width: 640, height: 360, fps: 30, bitrateKbps: 500, gop: 30, jpegQuality: 85 };
  const input = { width: 1920, height: 1080 };
  const expected: Record<string, RegExp> = {
    v4l2h264enc: /! v4l2convert ! video\/x-raw,width=640,height=360 ! v4l2h264enc name=enc/,
    nvh264enc:
      /! cudaupload ! cudascale ! video\/x-raw\(memory:CUDAMemory\),width=640,height=360 ! nvh264enc name=enc/,
    vah264enc: /! vapostproc ! video\/x-raw\(memory:VAMemory\),width=640,height=360 ! vah264enc/,
    vaapih264enc:
      /! vaapipostproc ! video\/x-raw\(memory:VASurface\),width=640,height=360 ! vaapih264enc/,
  };
  for (const c of H264_ORDER.filter((c) => c.hardware)) {
    const hw = encoderPipeline(c, s, "I420", input, { hardwareScaler: true });
    assert.match(hw, expected[c.element], c.element);
    assert.doesNotMatch(hw, /videoscale|videoconvert/, c.element);
    // Without its scaler (not installed, no device): the CPU scales, as for software encoders.
    const sw = encoderPipeline(c, s, "I420", input, { hardwareScaler: false });
    assert.match(
      sw,
      /! videoscale ! video\/x-raw,width=640,height=360 ! videoconvert ! /,
      c.element,
    );
    // Frames of the encoder's own size are never scaled.
    assert.doesNotMatch(encoderPipeline(c, s, "I420", s, { hardwareScaler: true }), /scale/);
  }
  // Software encoders have no hardware scaler to use.
  const x264 = H264_ORDER.find((c) => c.element === "x264enc")!;
  assert.match(encoderPipeline(x264, s, "I420", input, { hardwareScaler: true }), /videoscale/);
});

Deno.test("an access unit comes out of each installed software encoder at the time its frame went in, whatever the first frame's time (a frame lost before the encoder shifts nothing)", () => {
  // GstVideoEncoder shifts every PTS by `min_pts` minus the first PTS that reaches it when that
  // is below `min_pts` (x264enc's 1000 h): a first frame lost in the leaky appsrc used to shift
  // every later one, so the encoder matched no access unit to its frame's capture time.
  for (const c of H264_ORDER.filter((c) => !c.hardware && elementAvailable(c.element))) {
    using p = Pipeline.parse(encoderPipeline(c, SETTINGS, "I420"));
    const src = p.appSrc("src");
    const sink = p.appSink("out");
    p.setState("playing", { timeoutMs: 5000 });
    const frame = new Uint8Array(SETTINGS.width * SETTINGS.height * 3 / 2).fill(128);
    // The run's first frame (time 0) never reached the encoder: the first it sees is at 84.6 ms.
    const times = [84_623_104, 118_000_000, 346_849_280, 380_182_613];
    const out: number[] = [];
    for (const t of times) {
      src.push(frame, { pts: pushPts(c, t), duration: 33_333_333 });
      const s = sink.pull({ timeoutMs: 5000 });
      assert.ok(s !== null, `${c.element}: an access unit for the frame at ${t} ns`);
      out.push(framePts(c, s.pts!));
    }
    assert.deepEqual(out, times, c.element);
  }
});
