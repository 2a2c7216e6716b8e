/** Sources that vanish, break or stall end in a supervised restart, and frames resume. */
import assert from "node:assert/strict";
import { ringStats } from "../../../actors/ring/mod.ts";
import { spawnActor } from "../../../actors/runtime/mod.ts";
import { CAMERA_WORKER, type CameraProtocol } from "../../../actors/camera/protocol.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { cameraConfig, run, startTree, until } from "../_camera_tree.ts";
import { CameraNode } from "../../../actors/system/mod.ts";
import { EventStream } from "../../../actors/supervisor/mod.ts";

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

Deno.test("a file: source loops; when its file vanishes the camera restarts until it is back", async () => {
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
  await until(
    "a crash",
    () => tree.events.some((e) => e.type === "child_exited" && e.exit.kind === "crashed"),
  );
  const crash = tree.events.find((e) => e.type === "child_exited")!;
  assert.match(
    crash.type === "child_exited" && crash.exit.kind === "crashed" ? crash.exit.error.message : "",
    /clip\.mp4|not found|No such file/i,
  );
  await Deno.rename(`${clip}.away`, clip);
  await until("the camera running again", () => tree.sup.status().children![0].state === "running");
  const before = written(tree.node);
  await until("frames resuming", () => written(tree.node) > before + 10);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a pipeline that errors mid-stream crashes the camera; the supervisor restarts it and frames resume", async () => {
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
  await until(
    "a crash",
    () => tree.events.some((e) => e.type === "child_exited" && e.exit.kind === "crashed"),
    30_000,
  );
  await Deno.copyFile(`${clip}.good`, clip);
  await until(
    "a restart",
    () =>
      tree.sup.status().children![0].restarts! >= 1 &&
      tree.sup.status().children![0].state === "running",
    30_000,
  );
  const before = written(tree.node);
  await until("frames resuming", () => written(tree.node) > before + 10);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a source that stalls trips the watchdog and the camera crashes, naming the stall", async () => {
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
  const actor = await spawnActor<CameraProtocol>({
    id: "cam/camera",
    url: CAMERA_WORKER,
    init: {
      camera: cam,
      raw: node.rings.raw,
      small: node.rings.small,
      watchdogMs: 500,
      firstFrameMs: 1000,
    },
    log: () => {},
  });
  const exit = await actor.exited;
  assert.equal(exit.kind, "crashed");
  assert.match(
    exit.kind === "crashed" ? exit.error.message : "",
    /No frame from rtspsrc .* for \d+ ms/,
  );
  listener.close();
  for (const c of held) c.close();
});
