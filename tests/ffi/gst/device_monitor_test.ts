import assert from "node:assert/strict";
import { listVideoSources, parseCaps } from "../../../ffi/gst/mod.ts";

function videoDevices(): string[] {
  return [...Deno.readDirSync("/dev")].map((e) => e.name).filter((n) => n.startsWith("video"));
}

Deno.test("listVideoSources() lists what /dev holds: nothing on a machine without cameras", () => {
  const devices = listVideoSources();
  if (videoDevices().length === 0) {
    assert.deepEqual(devices, []);
    return;
  }
  for (const d of devices) {
    assert.ok(d.name !== "");
    assert.match(d.deviceClass, /Video\/Source/);
    assert.ok(d.modes.length > 0, `${d.name} offers modes`);
  }
});

Deno.test("parseCaps() reads device-style caps: fixed values, lists and ranges", () => {
  const caps = parseCaps(
    "video/x-raw, format=YUY2, width=640, height=480, " +
      "framerate={ (fraction)30/1, (fraction)15/1 }; " +
      "image/jpeg, width=[ 16, 1920 ], height=[ 16, 1080 ], framerate=[ 0/1, 30/1 ]; " +
      "video/x-raw, format={ I420, NV12 }, width=1280, height=720, framerate=30000/1001",
  );
  assert.deepEqual(caps, [
    {
      media: "video/x-raw",
      formats: ["YUY2"],
      width: { min: 640, max: 640 },
      height: { min: 480, max: 480 },
      framerates: [{ num: 30, den: 1 }, { num: 15, den: 1 }],
      framerateRange: null,
    },
    {
      media: "image/jpeg",
      formats: [],
      width: { min: 16, max: 1920 },
      height: { min: 16, max: 1080 },
      framerates: [],
      framerateRange: { min: { num: 0, den: 1 }, max: { num: 30, den: 1 } },
    },
    {
      media: "video/x-raw",
      formats: ["I420", "NV12"],
      width: { min: 1280, max: 1280 },
      height: { min: 720, max: 720 },
      framerates: [{ num: 30000, den: 1001 }],
      framerateRange: null,
    },
  ]);
});

Deno.test("parseCaps() throws SyntaxError for text GStreamer refuses", () => {
  assert.throws(() => parseCaps("video/x-raw, width=(int)wide"), {
    name: "SyntaxError",
    message: 'Cannot parse caps "video/x-raw, width=(int)wide"',
  });
});
