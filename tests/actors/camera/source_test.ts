import assert from "node:assert/strict";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { chooseAuto } from "../../../actors/camera/auto.ts";
import { cameraPipeline, fraction, parseSource } from "../../../actors/camera/source.ts";
import { cameraConfig } from "../_camera_tree.ts";

Deno.test("parseSource() reads every source kind of the config", () => {
  assert.equal(parseSource("auto", "ball"), null);
  assert.deepEqual(parseSource("test", "ball"), { kind: "test", pattern: "ball" });
  assert.deepEqual(parseSource("libcamera", "ball"), { kind: "libcamera" });
  assert.deepEqual(parseSource("v4l2:/dev/video2", "ball"), {
    kind: "v4l2",
    device: "/dev/video2",
  });
  assert.deepEqual(parseSource("file:/srv/a b.mp4", "ball"), {
    kind: "file",
    path: "/srv/a b.mp4",
  });
  assert.deepEqual(parseSource("rtsp://cam.local/s1", "ball"), {
    kind: "rtsp",
    url: "rtsp://cam.local/s1",
  });
});

Deno.test("fraction() writes frame rates as GStreamer fractions", () => {
  assert.deepEqual([fraction(5), fraction(0.5), fraction(2.5), fraction(30), fraction(0.1)], [
    "5/1",
    "1/2",
    "5/2",
    "30/1",
    "1/10",
  ]);
});

Deno.test("every source kind builds a pipeline GStreamer accepts", () => {
  const cam = cameraConfig({ width: 320, height: 240 });
  for (const src of ["test", "v4l2:/dev/video9", 'file:/tmp/x y".mp4', "rtsp://127.0.0.1:1/s"]) {
    const kind = parseSource(src, "ball")!;
    using p = Pipeline.parse(cameraPipeline(cam, kind));
    assert.ok(p.appSink("main"));
  }
});

Deno.test("auto picks libcamera, then a V4L2 capture device, then the test pattern", () => {
  const v4l2 = {
    name: "Webcam",
    deviceClass: "Video/Source",
    path: "/dev/video0",
    caps: "video/x-raw",
    modes: [{ media: "video/x-raw" }],
    properties: {},
  };
  const libcam = {
    ...v4l2,
    name: "imx219",
    path: "/base/soc/i2c0mux/i2c@1/imx219@10",
    properties: { "api.libcamera.id": "x" },
  };
  // deno-lint-ignore no-explicit-any
  const devices = [v4l2, libcam] as any;
  assert.deepEqual(chooseAuto(devices, true, "smpte"), { kind: "libcamera" });
  assert.deepEqual(chooseAuto(devices, false, "smpte"), { kind: "v4l2", device: "/dev/video0" });
  assert.deepEqual(chooseAuto([], true, "smpte"), { kind: "test", pattern: "smpte" });
});

Deno.test("classifyPlatform() tells a Pi, a Jetson and a generic box apart", async () => {
  const { classifyPlatform } = await import("../../../actors/camera/platform.ts");
  assert.equal(
    classifyPlatform("Raspberry Pi 5 Model B Rev 1.0", null, "aarch64").kind,
    "raspberry-pi",
  );
  assert.equal(classifyPlatform(null, "# R35 (release), REVISION: 4.1", "aarch64").kind, "jetson");
  assert.equal(
    classifyPlatform("NVIDIA Jetson Orin Nano Developer Kit", null, "aarch64").kind,
    "jetson",
  );
  assert.equal(classifyPlatform(null, null, "x86_64").kind, "generic");
});
