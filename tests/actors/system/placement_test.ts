/** The real camera and encoder actors sharing one Worker, under the camera subtree's supervision. */
import assert from "node:assert/strict";
import { ringStats } from "../../../actors/ring/mod.ts";
import { ActorProcess } from "../../../actors/runtime/mod.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { MEDIA } from "../../../actors/system/children.ts";
import { onHost } from "../../../actors/system/placement.ts";
import { cameraConfig, run, startTree, until } from "../_camera_tree.ts";

Deno.test("camera and encoder share a Worker; a camera crash restarts both in a fresh one and access units resume", async () => {
  const dir = await Deno.makeTempDir();
  const clip = `${dir}/clip.mp4`;
  const made = await run("gst-launch-1.0", [
    "-q",
    "videotestsrc",
    "num-buffers=15",
    "!",
    "video/x-raw,width=160,height=120,framerate=30/1",
    "!",
    "x264enc",
    "!",
    "mp4mux",
    "!",
    "filesink",
    `location=${clip}`,
  ]);
  assert.equal(made.code, 0, made.out);
  await using tree = await startTree(
    cameraConfig({ source: `file:${clip}`, width: 160, height: 120, fps: 30, encoder: "x264" }),
    [onHost(MEDIA, cameraChild), onHost(MEDIA, encoderChild)],
  );
  const first = tree.node.encoder!.host!;
  assert.equal(first.name, "cam/media");
  assert.equal(first.size, 2, "camera and encoder run in the same Worker");
  await until("access units", () => ringStats(tree.node.rings.au).written > 5);

  // The camera crashes on its own (as if a handler threw): the encoder is not blamed,
  // but rest_for_one restarts it, and the emptied Worker ends.
  const camera = tree.sup.child("camera");
  assert.ok(camera instanceof ActorProcess);
  camera.injectFault("throw");
  await until(
    "the camera's crash",
    () => tree.events.some((e) => e.type === "child_exited" && e.child === "camera"),
  );
  const exits = tree.events.filter((e) => e.type === "child_exited");
  assert.deepEqual(exits.map((e) => e.type === "child_exited" && e.child), ["camera"]);
  await until(
    "both running again",
    () => tree.sup.status().children!.every((c) => c.state === "running" && c.restarts! >= 1),
    30_000,
  );
  const second = tree.node.encoder!.host!;
  assert.notEqual(second, first);
  assert.ok(!first.alive, "the old Worker ended with its last actor");
  assert.equal(second.size, 2);
  const before = ringStats(tree.node.rings.au).written;
  await until("access units resuming", () => ringStats(tree.node.rings.au).written > before + 10);
  await Deno.remove(dir, { recursive: true });
});
