import assert from "node:assert/strict";
import { withQuality } from "../../../actors/system/quality.ts";
import { cameraConfig } from "../_camera_tree.ts";

Deno.test("withQuality() keeps a camera's sub stream within the new main stream, and leaves it alone otherwise", () => {
  const cam = cameraConfig({
    source: "test",
    quality: "high",
    sub: { width: 960, height: 540, fps: 30, bitrate_kbps: 1000 },
  });
  assert.deepEqual(withQuality(cam, "ultra").sub, cam.sub);
  assert.deepEqual(withQuality(cam, "low").sub, {
    width: 640,
    height: 480,
    fps: 15,
    bitrate_kbps: 500,
  });
  assert.equal(withQuality(cameraConfig({ source: "test" }), "low").sub, null);
});
