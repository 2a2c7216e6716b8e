/**
 * Sources that vanish, break or stall are offline with their cause, retried
 * by the camera actor itself (never a crash, never a restart of the actor),
 * and frames resume when the source is back.
 */
import assert from "node:assert/strict";
import { ringStats } from "../../../actors/ring/mod.ts";
import { spawnActor } from "../../../actors/runtime/mod.ts";
import { CAMERA_WORKER, type CameraProtocol } from "../../../actors/camera/protocol.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { cameraConfig, run, startTree, until } from "../_camera_tree.ts";
import { CameraNode } from "../../../actors/system/mod.ts";
import { type ChildStatus, EventStream, type LinkState } from "../../../actors/supervisor/mod.ts";

async function makeClip(path: string): Promise<void> {
  const r = await run("gst-launch-1.0", [
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
    `location=${path}`,
  ]);
  assert.equal(r.code, 0, r.out);
}

function written(node: CameraNode): number {
  return ringStats(node.rings.raw).written;
}

/** Whether the camera's source state is `state`. */
function sourceIs(node: CameraNode, state: string): boolean {
  return node.source?.state === state;
}

function restarts(tree: { sup: { status(): ChildStatus } }): number {
  return tree.sup.status().children![0].restarts ?? 0;
}

Deno.test("a file: source loops; when its file vanishes it is offline with the cause until it is back", async () => {
  const dir = await Deno.makeTempDir();
  const clip = `${dir}/clip.mp4`;
  await makeClip(clip);
  await using tree = await startTree(
    cameraConfig({ source: `file:${clip}`, width: 160, height: 120, fps: 30 }),
    [cameraChild],
  );
  await until(
    "a loop of the file",
    () => ((tree.node.stats.get("camera") as { loops: number } | undefined)?.loops ?? 0) >= 1,
  );
  await Deno.rename(clip, `${clip}.away`);
  await until("the source offline", () => sourceIs(tree.node, "offline"));
  const offline = tree.node.source!;
  assert.equal(offline.state === "offline" && offline.cause, `file not found ${clip}`);
  await Deno.rename(`${clip}.away`, clip);
  await until("the source up again", () => sourceIs(tree.node, "up"));
  const before = written(tree.node);
  await until("frames resuming", () => written(tree.node) > before + 10);
  assert.equal(restarts(tree), 0, "the actor never restarted");
  assert.ok(!tree.events.some((e) => e.type === "child_exited"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a pipeline that errors mid-stream is offline with GStreamer's reason; frames resume once the source is good", async () => {
  const dir = await Deno.makeTempDir();
  const clip = `${dir}/clip.mp4`;
  await makeClip(clip);
  await Deno.copyFile(clip, `${clip}.good`);
  await using tree = await startTree(
    cameraConfig({ source: `file:${clip}`, width: 160, height: 120, fps: 30 }),
    [cameraChild],
  );
  await until("frames", () => written(tree.node) > 5);
  // Garbage where the clip was: the next loop's decoder fails.
  await Deno.writeFile(clip, new Uint8Array(64 * 1024).map((_, i) => (i * 7919) & 0xff));
  await until("the source offline", () => sourceIs(tree.node, "offline"), 30_000);
  const offline = tree.node.source!;
  assert.ok(offline.state === "offline" && offline.cause.length > 0);
  await Deno.copyFile(`${clip}.good`, clip);
  await until("the source up again", () => sourceIs(tree.node, "up"), 30_000);
  const before = written(tree.node);
  await until("frames resuming", () => written(tree.node) > before + 10);
  assert.equal(restarts(tree), 0, "the actor never restarted");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a source that never sends a frame is offline naming the stall, and the actor keeps running", async () => {
  // An RTSP "server" that accepts and never answers: rtspsrc waits, no frame comes.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const c of listener) held.push(c);
  })().catch(() => {});
  const cam = cameraConfig({
    source: `rtsp://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/stream`,
    width: 160,
    height: 120,
  });
  const node = new CameraNode(cam, { log: () => {}, events: new EventStream(), dataDir: "/tmp" });
  const states: LinkState[] = [];
  const actor = await spawnActor<CameraProtocol>({
    id: "cam/camera",
    url: CAMERA_WORKER,
    init: {
      camera: cam,
      raw: node.rings.raw,
      small: node.rings.small,
      au: node.rings.au,
      mode: node.streamMode,
      watchdogMs: 500,
      firstFrameMs: 1000,
    },
    log: () => {},
    onEvent: (e) => {
      if (e.type === "source") states.push(e.state);
    },
  });
  await until("two stalls", () => states.filter((s) => s.state === "offline").length >= 2);
  const offline = states.findLast((s) => s.state === "offline")!;
  assert.match(offline.state === "offline" ? offline.cause : "", /^no first frame within \d/);
  assert.equal(actor.exit, undefined, "the actor still runs");
  assert.equal((await actor.stop("shutdown", 2000)).kind, "normal");
  listener.close();
  for (const c of held) c.close();
});
