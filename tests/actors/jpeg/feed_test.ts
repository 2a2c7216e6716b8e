/** The JPEG feed starts its actor (in the camera's shared Worker) for the first client and stops it after the last. */
import assert from "node:assert/strict";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { FEED_IDLE_MS, jpegFeed } from "../../../actors/jpeg/mod.ts";
import { JPEG_FEED_HOST } from "../../../actors/system/children.ts";
import { cameraConfig, startTree, until } from "../_camera_tree.ts";

function isJpeg(b: Uint8Array): boolean {
  return b[0] === 0xff && b[1] === 0xd8 && b.at(-2) === 0xff && b.at(-1) === 0xd9;
}

Deno.test("a JPEG feed runs only while watched, in the camera's shared Worker", async () => {
  await using tree = await startTree(
    cameraConfig({ source: "test", width: 320, height: 240, fps: 15 }),
    [cameraChild],
  );
  const feed = jpegFeed(tree.node);
  assert.equal(feed.running, false, "nothing runs before a client asks");
  const first = await feed.next(5_000);
  assert.ok(first !== null && isJpeg(first), "a snapshot");
  const host = tree.node.hosts.get(JPEG_FEED_HOST)!;
  assert.equal(host.size, 1, "the actor runs in the shared Worker");

  const pictures: Uint8Array[] = [];
  const off = feed.subscribe((jpeg) => pictures.push(jpeg));
  await until("three pictures", () => pictures.length >= 3);
  assert.ok(pictures.every(isJpeg));
  off();
  assert.equal(feed.clients, 0);
  await until("the feed stopping", () => !feed.running, FEED_IDLE_MS + 10_000);
  assert.ok(!host.alive, "its Worker ended with it");
});
