import assert from "node:assert/strict";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { chooseAuto } from "../../../actors/camera/auto.ts";
import { cameraPipeline, fraction, parseSource } from "../../../actors/camera/source.ts";
import {
  captureArgs,
  captureCause,
  displayAddress,
  noDisplayCause,
} from "../../../actors/camera/screen.ts";
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

Deno.test("parseSource() reads a screen, its display and its region", () => {
  assert.deepEqual(parseSource("screen", "ball"), { kind: "screen", display: "", region: null });
  assert.deepEqual(parseSource("screen::99", "ball"), {
    kind: "screen",
    display: ":99",
    region: null,
  });
  assert.deepEqual(parseSource("screen::99+0,0,640x480", "ball"), {
    kind: "screen",
    display: ":99",
    region: { x: 0, y: 0, width: 640, height: 480 },
  });
  assert.deepEqual(parseSource("screen:host.lan:1.0+10,20,320x240", "ball"), {
    kind: "screen",
    display: "host.lan:1.0",
    region: { x: 10, y: 20, width: 320, height: 240 },
  });
  assert.deepEqual(parseSource("screen:+8,8,64x64", "ball"), {
    kind: "screen",
    display: "",
    region: { x: 8, y: 8, width: 64, height: 64 },
  });
  assert.throws(() => parseSource("screens", "ball"), /Unknown camera source "screens"/);
  assert.throws(() => parseSource("screen::1+1,1,64", "ball"), /"\+1,1,64" is not a screen region/);
});

Deno.test("a screen's pipelines: the capture child's and the camera's both parse, with the region inclusive", () => {
  const cam = cameraConfig({ source: "screen::7+10,20,64x48", fps: 5 });
  const src = parseSource(cam.source, "ball")!;
  assert.ok(src.kind === "screen");
  const args = captureArgs(cam, { ...src, cursor: false }, "/tmp/x.sock");
  assert.ok(args.includes("display-name=:7"));
  assert.ok(args.includes("show-pointer=false"));
  assert.deepEqual(args.filter((a) => /^(start|end)[xy]=/.test(a)), [
    "startx=10",
    "starty=20",
    "endx=73",
    "endy=67",
  ]);
  using child = Pipeline.parse(args.slice(1).join(" "));
  using p = Pipeline.parse(cameraPipeline(cam, src, "/tmp/x.sock"));
  assert.ok(child && p.appSink("main"));
  assert.throws(() => cameraPipeline(cam, src), /needs its capture socket/);
});

Deno.test("a screen's causes name what is wrong", () => {
  assert.equal(
    captureCause(
      ":3",
      'XIO:  fatal IO error 11 (Resource temporarily unavailable) on X server ":3"',
    ),
    "the X server :3 went away",
  );
  assert.equal(
    captureCause(":0", "No protocol specified\nERROR: … Could not open X display for reading"),
    "the X server :0 refused the connection (no access: check XAUTHORITY or xhost)",
  );
  assert.equal(
    captureCause(
      ":0",
      "ERROR: from element /GstPipeline:pipeline0/GstXImageSrc:ximagesrc0: Could not open X display for reading",
    ),
    "cannot open the X display :0",
  );
  assert.equal(
    captureCause(":0", 'WARNING: erroneous pipeline: no element "ximagesrc"'),
    "screen capture needs GStreamer's ximagesrc (gstreamer1.0-plugins-good)",
  );
  assert.equal(captureCause(":0", "Setting pipeline to PLAYING"), null);
  assert.equal(
    noDisplayCause({ wayland: undefined }),
    'no X display: DISPLAY is not set (name one: source = "screen::0")',
  );
  assert.match(noDisplayCause({ wayland: "wayland-0" }), /WAYLAND_DISPLAY=wayland-0.*PipeWire/);
  assert.deepEqual(displayAddress(":12.0"), { kind: "local", socket: "/tmp/.X11-unix/X12" });
  assert.deepEqual(displayAddress("pc.lan:2"), { kind: "tcp", hostname: "pc.lan", port: 6002 });
});
